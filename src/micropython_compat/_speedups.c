/*
 * micropython_compat._speedups: the C fast path for ticks_*, machine.Pin.value() and ure's
 * compiled match/search.
 *
 * It behaves exactly like its pure-Python twin, micropython_compat/_pyimpl.py (PEP 399): the
 * same functions, the same results, the same exceptions with the same messages, including the
 * TypeError a bad call raises (so every function takes its arguments by position or by name,
 * as the twin's do). micropython_compat._fast picks one of the two.
 *
 * Ticks wrap at 2**30. With no clock set they read CLOCK_MONOTONIC, the clock behind
 * time.monotonic_ns(); set_clock(obj) makes them call obj.ticks_ns() instead.
 * set_ticks_offset(ns) adds ns to what the clock reads (so a board's ticks start at boot).
 *
 * PinBase is the hot part of machine.Pin. When its _fd is a Linux GPIO v2 line request
 * (_fd >= 0), value(), __call__() and toggle() issue GPIO_V2_LINE_{GET,SET}_VALUES on line 0 of
 * that request directly, from a buffer kept in the object, holding the GIL; the twin does the
 * same with fcntl.ioctl. Otherwise they call _line.get() / _line.set(level). Either way a write
 * of the level already in the output register (_out) is skipped.
 *
 * On the simulated board, _sim is the pin's SimPinBase: a level change of an unwired push-pull
 * output is then SimPinBase.write(), a few stores (and a LevelRing append when recording, a
 * watcher call when an irq watches), with no Python frame; reads return its level. LevelRing
 * keeps a pin's last N level changes in three flat arrays.
 *
 * Match and FastMatcher are ure's: a compiled regex's match/search attributes are FastMatchers
 * holding the CPython pattern's bound match/search; an exact ASCII str (and at most two more,
 * ignored, positional arguments) is handed straight to it and the re.Match comes back wrapped
 * in a Match (only group(index), numeric; repr <match num=N>). Any other call goes to the
 * fallback, ure's general path, with its arguments unchanged.
 *
 * Full (not limited) API: METH_FASTCALL and instance vectorcall are not in the 3.9 stable ABI,
 * and they are what makes these calls cheap.
 *
 * Where it cannot be the twin: _out and _fd are C ints (assigning a non-int or deleting them
 * raises TypeError; before __init__ they read -1 where the twin's slots are unset); an unbound
 * call on a foreign object (PinBase.toggle(5)) fails in the method descriptor; a line whose
 * get() returns a level beyond the C int range makes toggle() raise OverflowError; and the twin
 * never uses _fd. SimPinBase.simple is a bool member (assigning another type raises
 * TypeError), level and output are C ints; SimPinBase.write() holds the GIL where the twin holds
 * ``lock``. LevelRing can't be subclassed, and a time beyond 64 bits raises OverflowError.
 * Match and FastMatcher cannot be subclassed and keep what they were built
 * with (the twin's slots can be reassigned, and __init__ called again); Match.group compares
 * an int subclass's value, not through its own comparison methods; Match reads m.re.groups as
 * a C Py_ssize_t (an OverflowError past it) and only once.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <errno.h>
#include <time.h>

#if defined(__linux__)
#  include <sys/ioctl.h>
#  if defined(__has_include)
#    if __has_include(<linux/gpio.h>)
#      include <linux/gpio.h>
#    endif
#  else
#    include <linux/gpio.h>
#  endif
#  if defined(GPIO_V2_LINE_SET_VALUES_IOCTL) && defined(GPIO_V2_LINE_GET_VALUES_IOCTL)
#    define HAVE_GPIO_V2 1
#  endif
#endif

#if defined(CLOCK_MONOTONIC) && !defined(__APPLE__) && !defined(_WIN32)
#  define HAVE_CLOCK_MONOTONIC 1
#endif

#if PY_VERSION_HEX >= 0x030C0000
#  define MEMBER_OBJECT_EX Py_T_OBJECT_EX
#  define MEMBER_INT Py_T_INT
#  define MEMBER_BOOL Py_T_BOOL
#else
#  define MEMBER_OBJECT_EX T_OBJECT_EX
#  define MEMBER_INT T_INT
#  define MEMBER_BOOL T_BOOL
#endif

/* Python 3.10 started naming methods by their qualified name in call errors. */
#if PY_VERSION_HEX >= 0x030A0000
#  define METHOD_NAME(cls, name) cls "." name
#else
#  define METHOD_NAME(cls, name) name
#endif

#define TICKS_PERIOD (1LL << 30)
#define TICKS_MAX (TICKS_PERIOD - 1)

/* Interned names, made at import. */
static PyObject *str_get;
static PyObject *str_set;
static PyObject *str_ticks_ns;
static PyObject *str_now_ns;
static PyObject *str_write;
static PyObject *str_line;
static PyObject *str_re;
static PyObject *str_groups;
static PyObject *str_group;
static PyObject *int_zero;

/* The object set_clock() was given, or NULL for the host's monotonic clock. */
static PyObject *clock_obj;
/* What set_ticks_offset() was given: added to the clock's ns before dividing. */
static long long ticks_offset;

#if !defined(HAVE_CLOCK_MONOTONIC) && PY_VERSION_HEX < 0x030D0000
static PyObject *monotonic_ns_func; /* time.monotonic_ns */
#endif

/* ---------------------------------------------------------------------------------------- */
/* Call errors worded as CPython words them for a Python function.                          */

#if PY_VERSION_HEX >= 0x030D0000
/* Python 3.13 ends an "unexpected keyword argument" error with "Did you mean 'x'?" when a
 * parameter name is within a weighted edit distance of the keyword (on UTF-8 bytes: inserting
 * or deleting a character costs 2, replacing one 2, or 1 when only its ASCII case differs; at
 * most (len(keyword) + len(name) + 3) * 2 / 6, names of more than 40 bytes never match). The
 * first name at the smallest distance wins. */
#define SUGGEST_MAX_SIZE 40

static Py_ssize_t
replace_cost(char a, char b)
{
    if (a == b) {
        return 0;
    }
    if (a >= 'A' && a <= 'Z') {
        a = (char)(a - 'A' + 'a');
    }
    if (b >= 'A' && b <= 'Z') {
        b = (char)(b - 'A' + 'a');
    }
    return a == b ? 1 : 2;
}

static Py_ssize_t
edit_distance(const char *a, Py_ssize_t na, const char *b, Py_ssize_t nb)
{
    Py_ssize_t row[SUGGEST_MAX_SIZE + 1];
    Py_ssize_t i, j, diagonal, above, best;

    for (j = 0; j <= nb; j++) {
        row[j] = 2 * j;
    }
    for (i = 1; i <= na; i++) {
        diagonal = row[0];
        row[0] = 2 * i;
        for (j = 1; j <= nb; j++) {
            above = row[j];
            best = diagonal + replace_cost(a[i - 1], b[j - 1]);
            if (above + 2 < best) {
                best = above + 2;
            }
            if (row[j - 1] + 2 < best) {
                best = row[j - 1] + 2;
            }
            row[j] = best;
            diagonal = above;
        }
    }
    return row[nb];
}

/* The parameter name to suggest for keyword `key`, or NULL. */
static const char *
suggest_name(PyObject *key, const char *const *names, Py_ssize_t n)
{
    const char *keyword, *found = NULL;
    Py_ssize_t nkey, i, found_distance = PY_SSIZE_T_MAX;

    if (!PyUnicode_Check(key)) {
        return NULL;
    }
    keyword = PyUnicode_AsUTF8AndSize(key, &nkey);
    if (keyword == NULL) {
        PyErr_Clear();
        return NULL;
    }
    for (i = 0; i < n; i++) {
        const char *a = keyword, *b = names[i];
        Py_ssize_t na = nkey, nb = (Py_ssize_t)strlen(names[i]);
        Py_ssize_t limit = (nkey + nb + 3) * 2 / 6, distance;

        if (limit > found_distance - 1) {
            limit = found_distance - 1;
        }
        while (na > 0 && nb > 0 && *a == *b) { /* common prefix */
            a++, b++, na--, nb--;
        }
        while (na > 0 && nb > 0 && a[na - 1] == b[nb - 1]) { /* common suffix */
            na--, nb--;
        }
        if (na > SUGGEST_MAX_SIZE || nb > SUGGEST_MAX_SIZE) {
            continue;
        }
        distance = edit_distance(a, na, b, nb);
        if (distance <= limit) {
            found = names[i];
            found_distance = distance;
        }
    }
    return found;
}
#endif

static void
unexpected_keyword(const char *fname, PyObject *key, const char *const *names, Py_ssize_t n)
{
#if PY_VERSION_HEX >= 0x030D0000
    const char *suggestion = suggest_name(key, names, n);
    if (suggestion != NULL) {
        PyErr_Format(PyExc_TypeError,
                     "%s() got an unexpected keyword argument '%S'. Did you mean '%s'?", fname,
                     key, suggestion);
        return;
    }
#else
    (void)names;
    (void)n;
#endif
    PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%S'", fname, key);
}

/* Bind a call of `fname(names[0], ..., names[n-1])` (positional-or-keyword parameters, the
 * first `nrequired` without a default, no *args) and raise the TypeError CPython would if it
 * does not fit. With has_self, names[0] is "self" and is already bound (args excludes it).
 * kwvalues may be NULL when only the check matters. On success the bound arguments are in
 * out[has_self..n-1], NULL for an optional one not given; returns 0, or -1 with the error
 * set. */
static int
bind_args(const char *fname, int has_self, PyObject *const *args, Py_ssize_t nargs,
          PyObject *kwnames, PyObject *const *kwvalues, const char *const *names,
          Py_ssize_t n, Py_ssize_t nrequired, PyObject **out)
{
    Py_ssize_t given = nargs + has_self;
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    Py_ssize_t i, j, nmissing = 0;
    const char *missing[2];

    for (i = 0; i < n; i++) {
        out[i] = NULL;
    }
    if (has_self) {
        out[0] = Py_None;
    }
    for (i = 0; i < nargs && i + has_self < n; i++) {
        out[i + has_self] = args[i];
    }
    for (i = 0; i < nkw; i++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, i);
        for (j = 0; j < n; j++) {
            if (PyUnicode_Check(key) && PyUnicode_CompareWithASCIIString(key, names[j]) == 0) {
                break;
            }
        }
        if (j == n) {
            unexpected_keyword(fname, key, names, n);
            return -1;
        }
        if (out[j] != NULL) {
            PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", fname,
                         names[j]);
            return -1;
        }
        out[j] = kwvalues == NULL ? Py_None : kwvalues[i];
    }
    if (given > n && nrequired < n) {
        PyErr_Format(PyExc_TypeError,
                     "%s() takes from %zd to %zd positional arguments but %zd %s given", fname,
                     nrequired, n, given, given == 1 ? "was" : "were");
        return -1;
    }
    if (given > n) {
        PyErr_Format(PyExc_TypeError, "%s() takes %zd positional argument%s but %zd %s given",
                     fname, n, n == 1 ? "" : "s", given, given == 1 ? "was" : "were");
        return -1;
    }
    for (i = 0; i < nrequired; i++) {
        if (out[i] == NULL && nmissing < 2) {
            missing[nmissing++] = names[i];
        }
    }
    if (nmissing == 1) {
        PyErr_Format(PyExc_TypeError, "%s() missing 1 required positional argument: '%s'",
                     fname, missing[0]);
        return -1;
    }
    if (nmissing == 2) {
        PyErr_Format(PyExc_TypeError,
                     "%s() missing 2 required positional arguments: '%s' and '%s'", fname,
                     missing[0], missing[1]);
        return -1;
    }
    return 0;
}

/* The error for any keyword given to a method taking (self, *args). */
static PyObject *
method_keyword_error(const char *fname, PyObject *kwnames)
{
    static const char *const names[] = {"self"};
    PyObject *out[1];

    if (bind_args(fname, 1, NULL, 0, kwnames, NULL, names, 1, 1, out) == 0) {
        PyErr_Format(PyExc_SystemError, "%s(): keyword binding failed", fname);
    }
    return NULL;
}

/* bind_args() for a method called with an args tuple and a kwargs dict (tp_new, tp_init):
 * names[0] is "self". The bound arguments are borrowed from args and kwds. */
static int
bind_tuple_args(const char *fname, PyObject *args, PyObject *kwds, const char *const *names,
                Py_ssize_t n, Py_ssize_t nrequired, PyObject **out)
{
    Py_ssize_t nkw = kwds == NULL ? 0 : PyDict_GET_SIZE(kwds), pos = 0, i = 0;
    PyObject *kwnames, **kwvalues, *key, *value;
    int status;

    if (nkw == 0) {
        return bind_args(fname, 1, &PyTuple_GET_ITEM(args, 0), PyTuple_GET_SIZE(args), NULL,
                         NULL, names, n, nrequired, out);
    }
    kwnames = PyTuple_New(nkw);
    kwvalues = PyMem_New(PyObject *, nkw);
    if (kwnames == NULL || kwvalues == NULL) {
        Py_XDECREF(kwnames);
        PyMem_Free(kwvalues);
        PyErr_NoMemory();
        return -1;
    }
    while (i < nkw && PyDict_Next(kwds, &pos, &key, &value)) {
        Py_INCREF(key);
        PyTuple_SET_ITEM(kwnames, i, key);
        kwvalues[i++] = value;
    }
    status = bind_args(fname, 1, &PyTuple_GET_ITEM(args, 0), PyTuple_GET_SIZE(args), kwnames,
                       kwvalues, names, n, nrequired, out);
    Py_DECREF(kwnames);
    PyMem_Free(kwvalues);
    return status;
}

/* int(obj), stealing the reference to obj. */
static PyObject *
steal_as_int(PyObject *obj)
{
    PyObject *result;

    if (obj == NULL || PyLong_CheckExact(obj)) {
        return obj;
    }
    result = PyNumber_Long(obj);
    Py_DECREF(obj);
    return result;
}

/* ---------------------------------------------------------------------------------------- */
/* Ticks                                                                                    */

/* value // divisor, rounding towards minus infinity as Python does. */
static long long
floor_div(long long value, long long divisor)
{
    long long quotient = value / divisor;
    if (value % divisor != 0 && value < 0) {
        quotient -= 1;
    }
    return quotient;
}

/* (ns // divisor) & TICKS_MAX, with Python's floor division and two's-complement masking. */
static PyObject *
ticks_from_int(PyObject *ns, long long divisor)
{
    int overflow = 0;
    long long value = PyLong_AsLongLongAndOverflow(ns, &overflow);
    PyObject *divisor_obj, *mask_obj, *quotient, *result;

    if (value == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (!overflow) {
        long long quotient_c = value / divisor;
        if (value % divisor != 0 && value < 0) {
            quotient_c -= 1;
        }
        return PyLong_FromLongLong(quotient_c & TICKS_MAX);
    }
    /* Beyond 64 bits: let Python do it. */
    divisor_obj = PyLong_FromLongLong(divisor);
    if (divisor_obj == NULL) {
        return NULL;
    }
    quotient = PyNumber_FloorDivide(ns, divisor_obj);
    Py_DECREF(divisor_obj);
    if (quotient == NULL) {
        return NULL;
    }
    mask_obj = PyLong_FromLongLong(TICKS_MAX);
    if (mask_obj == NULL) {
        Py_DECREF(quotient);
        return NULL;
    }
    result = PyNumber_And(quotient, mask_obj);
    Py_DECREF(quotient);
    Py_DECREF(mask_obj);
    return result;
}

/* The host's monotonic clock in ns (time.monotonic_ns()): 0, or -1 with the error set. */
static int
host_monotonic_ns(long long *now)
{
#if defined(HAVE_CLOCK_MONOTONIC)
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        return -1;
    }
    *now = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
    return 0;
#elif PY_VERSION_HEX >= 0x030D0000
    PyTime_t t;
    if (PyTime_Monotonic(&t) < 0) {
        return -1;
    }
    *now = (long long)t;
    return 0;
#else
    PyObject *ns = PyObject_CallNoArgs(monotonic_ns_func);
    if (ns == NULL) {
        return -1;
    }
    *now = PyLong_AsLongLong(ns);
    Py_DECREF(ns);
    return *now == -1 && PyErr_Occurred() ? -1 : 0;
#endif
}

static PyObject *
ticks(const char *fname, long long divisor, PyObject *const *args, Py_ssize_t nargs,
      PyObject *kwnames)
{
    PyObject *clock, *ns, *result;

    if (nargs != 0 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0)) {
        PyObject *unused[1];
        bind_args(fname, 0, args, nargs, kwnames, NULL, NULL, 0, 0, unused);
        return NULL;
    }
    clock = clock_obj;
    if (clock == NULL) {
        long long now;
        if (host_monotonic_ns(&now) < 0) {
            return NULL;
        }
        return PyLong_FromLongLong(floor_div(now + ticks_offset, divisor) & TICKS_MAX);
    }
    Py_INCREF(clock);
    ns = PyObject_CallMethodNoArgs(clock, str_ticks_ns);
    Py_DECREF(clock);
    ns = steal_as_int(ns);
    if (ns == NULL) {
        return NULL;
    }
    if (ticks_offset != 0) {
        PyObject *offset = PyLong_FromLongLong(ticks_offset), *shifted;
        if (offset == NULL) {
            Py_DECREF(ns);
            return NULL;
        }
        shifted = PyNumber_Add(ns, offset);
        Py_DECREF(offset);
        Py_DECREF(ns);
        if (shifted == NULL) {
            return NULL;
        }
        ns = shifted;
    }
    result = ticks_from_int(ns, divisor);
    Py_DECREF(ns);
    return result;
}

PyDoc_STRVAR(ticks_ms_doc, "ticks_ms()\n--\n\nMilliseconds, wrapping at 2**30.");

static PyObject *
ticks_ms(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    (void)module;
    return ticks("ticks_ms", 1000000LL, args, nargs, kwnames);
}

PyDoc_STRVAR(ticks_us_doc, "ticks_us()\n--\n\nMicroseconds, wrapping at 2**30.");

static PyObject *
ticks_us(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    (void)module;
    return ticks("ticks_us", 1000LL, args, nargs, kwnames);
}

PyDoc_STRVAR(ticks_cpu_doc,
             "ticks_cpu()\n--\n\nThe finest counter there is (ns here), wrapping at 2**30.");

static PyObject *
ticks_cpu(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    (void)module;
    return ticks("ticks_cpu", 1LL, args, nargs, kwnames);
}

/* (int(first) + sign * int(second)) & TICKS_MAX, converting `first` before `second`. */
static PyObject *
ticks_combine(PyObject *first, PyObject *second, int sign)
{
    PyObject *a, *b;
    unsigned long long ua, ub, result;

    Py_INCREF(first);
    a = steal_as_int(first);
    if (a == NULL) {
        return NULL;
    }
    Py_INCREF(second);
    b = steal_as_int(second);
    if (b == NULL) {
        Py_DECREF(a);
        return NULL;
    }
    /* The low 64 bits are all that matter modulo 2**30; this never fails for an int. */
    ua = PyLong_AsUnsignedLongLongMask(a);
    ub = PyLong_AsUnsignedLongLongMask(b);
    Py_DECREF(a);
    Py_DECREF(b);
    result = sign > 0 ? ua + ub : ua - ub;
    return PyLong_FromLongLong((long long)(result & (unsigned long long)TICKS_MAX));
}

PyDoc_STRVAR(ticks_diff_doc,
             "ticks_diff(old, new)\n--\n\n"
             "``new - old`` modulo 2**30 (MicroPython 1.8.5's argument order).");

static PyObject *
ticks_diff(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"old", "new"};
    PyObject *bound[2];

    (void)module;
    if (nargs == 2 && kwnames == NULL) {
        return ticks_combine(args[1], args[0], -1);
    }
    if (bind_args("ticks_diff", 0, args, nargs, kwnames, args + nargs, names, 2, 2, bound) < 0) {
        return NULL;
    }
    return ticks_combine(bound[1], bound[0], -1);
}

PyDoc_STRVAR(ticks_add_doc, "ticks_add(ticks, delta)\n--\n\n``ticks + delta`` modulo 2**30.");

static PyObject *
ticks_add(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"ticks", "delta"};
    PyObject *bound[2];

    (void)module;
    if (nargs == 2 && kwnames == NULL) {
        return ticks_combine(args[0], args[1], 1);
    }
    if (bind_args("ticks_add", 0, args, nargs, kwnames, args + nargs, names, 2, 2, bound) < 0) {
        return NULL;
    }
    return ticks_combine(bound[0], bound[1], 1);
}

PyDoc_STRVAR(set_clock_doc,
             "set_clock(clock)\n--\n\n"
             "Read ticks from ``clock.ticks_ns()``, or from the host's monotonic clock for "
             "``None``.");

static PyObject *
set_clock(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"clock"};
    PyObject *bound[1], *clock, *old;

    (void)module;
    if (nargs == 1 && kwnames == NULL) {
        clock = args[0];
    }
    else if (bind_args("set_clock", 0, args, nargs, kwnames, args + nargs, names, 1, 1, bound) <
             0) {
        return NULL;
    }
    else {
        clock = bound[0];
    }
    old = clock_obj;
    if (clock == Py_None) {
        clock_obj = NULL;
    }
    else {
        Py_INCREF(clock);
        clock_obj = clock;
    }
    Py_XDECREF(old);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(set_ticks_offset_doc,
             "set_ticks_offset(offset_ns)\n--\n\n"
             "Add ``offset_ns`` to the clock's reading before ticks are computed.");

static PyObject *
set_ticks_offset(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"offset_ns"};
    PyObject *bound[1], *value;
    long long offset;

    (void)module;
    if (nargs == 1 && kwnames == NULL) {
        value = args[0];
    }
    else if (bind_args("set_ticks_offset", 0, args, nargs, kwnames, args + nargs, names, 1, 1,
                       bound) < 0) {
        return NULL;
    }
    else {
        value = bound[0];
    }
    if (!PyLong_Check(value)) {
        PyErr_Format(PyExc_TypeError, "offset_ns must be an int, not %.100s",
                     Py_TYPE(value)->tp_name);
        return NULL;
    }
    offset = PyLong_AsLongLong(value);
    if (offset == -1 && PyErr_Occurred()) {
        return NULL;
    }
    ticks_offset = offset;
    Py_RETURN_NONE;
}

/* ---------------------------------------------------------------------------------------- */
/* LevelRing: the last `size` level changes of one simulated pin                            */

/* The order of every change recorded in this process (the GIL guards it): changes of several
 * pins at one instant keep the order they happened in. */
static long long level_order;

typedef struct {
    PyObject_HEAD
    Py_ssize_t size;  /* how many changes are kept */
    Py_ssize_t start; /* where the oldest kept change is */
    Py_ssize_t len;   /* how many are kept now */
    long long total;  /* how many were ever appended */
    long long *times;
    long long *orders;
    unsigned char *levels;
} LevelRingObject;

static PyTypeObject LevelRing_Type;

/* Keep room for `size` changes, keeping the newest ones. Returns 0, or -1 with MemoryError. */
static int
ring_resize(LevelRingObject *self, Py_ssize_t size)
{
    long long *times = NULL, *orders = NULL;
    unsigned char *levels = NULL;
    Py_ssize_t keep = self->len < size ? self->len : size, skip = self->len - keep, i;

    if (size > 0) {
        times = PyMem_New(long long, size);
        orders = PyMem_New(long long, size);
        levels = PyMem_New(unsigned char, size);
        if (times == NULL || orders == NULL || levels == NULL) {
            PyMem_Free(times);
            PyMem_Free(orders);
            PyMem_Free(levels);
            PyErr_NoMemory();
            return -1;
        }
    }
    for (i = 0; i < keep; i++) {
        Py_ssize_t from = (self->start + skip + i) % self->size;
        times[i] = self->times[from];
        orders[i] = self->orders[from];
        levels[i] = self->levels[from];
    }
    PyMem_Free(self->times);
    PyMem_Free(self->orders);
    PyMem_Free(self->levels);
    self->times = times;
    self->orders = orders;
    self->levels = levels;
    self->size = size;
    self->start = 0;
    self->len = keep;
    return 0;
}

static void
ring_push(LevelRingObject *self, long long time_ns, int level)
{
    Py_ssize_t at;

    self->total++;
    level_order++;
    if (self->size == 0) {
        return;
    }
    if (self->len < self->size) {
        at = self->start + self->len;
        if (at >= self->size) {
            at -= self->size;
        }
        self->len++;
    }
    else {
        at = self->start;
        if (++self->start == self->size) {
            self->start = 0;
        }
    }
    self->times[at] = time_ns;
    self->orders[at] = level_order - 1;
    self->levels[at] = (unsigned char)level;
}

/* A size given by Python: an int >= 0 (TypeError, ValueError), or -1 with the error set. */
static Py_ssize_t
ring_size_arg(PyObject *obj)
{
    Py_ssize_t size;

    if (!PyLong_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "size must be an int, not %.100s", Py_TYPE(obj)->tp_name);
        return -1;
    }
    size = PyLong_AsSsize_t(obj);
    if (size == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (size < 0) {
        PyErr_SetString(PyExc_ValueError, "size must be 0 or more");
        return -1;
    }
    return size;
}

static PyObject *
ring_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static const char *const names[] = {"self", "size"};
    PyObject *bound[2];
    LevelRingObject *self;
    Py_ssize_t size;

    if (bind_tuple_args(METHOD_NAME("LevelRing", "__init__"), args, kwds, names, 2, 2, bound) <
        0) {
        return NULL;
    }
    size = ring_size_arg(bound[1]);
    if (size < 0) {
        return NULL;
    }
    self = (LevelRingObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    if (ring_resize(self, size) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static void
ring_dealloc(PyObject *op)
{
    LevelRingObject *self = (LevelRingObject *)op;

    PyMem_Free(self->times);
    PyMem_Free(self->orders);
    PyMem_Free(self->levels);
    Py_TYPE(op)->tp_free(op);
}

PyDoc_STRVAR(ring_append_doc,
             "append($self, /, time_ns, level)\n--\n\n"
             "Record that the level became ``level`` (truthiness) at ``time_ns``; the oldest "
             "change kept goes when the ring is full.");

static PyObject *
ring_append(PyObject *op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"self", "time_ns", "level"};
    PyObject *bound[3];
    PyObject *index;
    long long time_ns;
    int level;

    if (bind_args(METHOD_NAME("LevelRing", "append"), 1, args, nargs, kwnames, args + nargs,
                  names, 3, 3, bound) < 0) {
        return NULL;
    }
    /* index() first, as the twin's operator.index(): the same TypeError text on every
       Python (3.9's PyLong_AsLongLong words a non-int differently) */
    index = PyNumber_Index(bound[1]);
    if (index == NULL) {
        return NULL;
    }
    time_ns = PyLong_AsLongLong(index);
    Py_DECREF(index);
    if (time_ns == -1 && PyErr_Occurred()) {
        return NULL;
    }
    level = PyObject_IsTrue(bound[2]);
    if (level < 0) {
        return NULL;
    }
    ring_push((LevelRingObject *)op, time_ns, level);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(ring_clear_doc, "clear($self, /)\n--\n\nForget every change kept (the counts too).");

static PyObject *
ring_clear(PyObject *op, PyObject *unused)
{
    LevelRingObject *self = (LevelRingObject *)op;

    (void)unused;
    self->start = 0;
    self->len = 0;
    self->total = 0;
    Py_RETURN_NONE;
}

static Py_ssize_t
ring_length(PyObject *op)
{
    return ((LevelRingObject *)op)->len;
}

static PyObject *
ring_item(PyObject *op, Py_ssize_t index)
{
    LevelRingObject *self = (LevelRingObject *)op;
    Py_ssize_t at;

    if (index < 0 || index >= self->len) {
        PyErr_SetString(PyExc_IndexError, "ring index out of range");
        return NULL;
    }
    at = (self->start + index) % self->size;
    return Py_BuildValue("(LLi)", self->times[at], self->orders[at], (int)self->levels[at]);
}

static PyObject *
ring_get_size(PyObject *op, void *closure)
{
    (void)closure;
    return PyLong_FromSsize_t(((LevelRingObject *)op)->size);
}

static int
ring_set_size(PyObject *op, PyObject *value, void *closure)
{
    Py_ssize_t size;

    (void)closure;
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "can't delete size");
        return -1;
    }
    size = ring_size_arg(value);
    return size < 0 ? -1 : ring_resize((LevelRingObject *)op, size);
}

static PyObject *
ring_get_total(PyObject *op, void *closure)
{
    (void)closure;
    return PyLong_FromLongLong(((LevelRingObject *)op)->total);
}

static PyObject *
ring_get_dropped(PyObject *op, void *closure)
{
    LevelRingObject *self = (LevelRingObject *)op;

    (void)closure;
    return PyLong_FromLongLong(self->total - self->len);
}

static PyMethodDef ring_methods[] = {
    {"append", (PyCFunction)(void (*)(void))ring_append, METH_FASTCALL | METH_KEYWORDS,
     ring_append_doc},
    {"clear", ring_clear, METH_NOARGS, ring_clear_doc},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef ring_getset[] = {
    {"size", ring_get_size, ring_set_size,
     "How many changes are kept (settable; shrinking keeps the newest).", NULL},
    {"total", ring_get_total, NULL, "How many changes were ever appended.", NULL},
    {"dropped", ring_get_dropped, NULL, "How many of those are no longer kept.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods ring_as_sequence = {
    .sq_length = ring_length,
    .sq_item = ring_item,
};

PyDoc_STRVAR(ring_doc,
             "LevelRing(size)\n--\n\n"
             "The last ``size`` level changes of one pin, oldest first, as ``(time_ns, order, "
             "level)`` tuples (``order`` ranks every change recorded in the process).");

static PyTypeObject LevelRing_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "micropython_compat._speedups.LevelRing",
    .tp_basicsize = sizeof(LevelRingObject),
    .tp_dealloc = ring_dealloc,
    .tp_as_sequence = &ring_as_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = ring_doc,
    .tp_methods = ring_methods,
    .tp_getset = ring_getset,
    .tp_new = ring_new,
};

/* ---------------------------------------------------------------------------------------- */
/* SimPinBase: the state of a simulated pin that the fast path may drive directly           */

typedef struct {
    PyObject_HEAD
    int level;         /* the level at the pin */
    int output;        /* the output register */
    char simple;       /* an unwired push-pull output nothing else drives: level == output */
    PyObject *watcher; /* called as watcher(level, time_ns) after a change, or None */
    PyObject *ring;    /* a LevelRing recording changes, or None */
    PyObject *clock;   /* what has now_ns(), or None for the host's monotonic clock */
    PyObject *lock;    /* the pure twin's lock; unused here (the GIL is enough) */
} SimPinObject;

static PyTypeObject SimPinBase_Type;

/* The board clock's time: clock.now_ns(), or CLOCK_MONOTONIC for None. 0, or -1 with the error
 * set. */
static int
sim_now(PyObject *clock, long long *now)
{
    PyObject *result;

    if (clock == NULL || clock == Py_None) {
        return host_monotonic_ns(now);
    }
    Py_INCREF(clock);
    result = PyObject_CallMethodNoArgs(clock, str_now_ns);
    Py_DECREF(clock);
    if (result == NULL) {
        return -1;
    }
    *now = PyLong_AsLongLong(result);
    Py_DECREF(result);
    return *now == -1 && PyErr_Occurred() ? -1 : 0;
}

/* SimPinBase.write(level): 1 when done, 0 when the caller must resolve the net, -1 with the
 * error set (the watcher's, the clock's or the ring's). */
static int
simpin_write(SimPinObject *self, int level)
{
    long long now = 0;
    PyObject *ring, *watcher, *result;

    if (!self->simple || self->level == level) {
        self->output = level;
        return self->simple ? 1 : 0;
    }
    if ((self->ring != NULL && self->ring != Py_None) ||
        (self->watcher != NULL && self->watcher != Py_None)) {
        /* The clock may run Python code (and other threads): read it first, then look again. */
        Py_INCREF(self);
        if (sim_now(self->clock, &now) < 0) {
            Py_DECREF(self);
            return -1;
        }
        Py_DECREF(self);
        if (!self->simple || self->level == level) {
            self->output = level;
            return self->simple ? 1 : 0;
        }
    }
    self->output = level;
    self->level = level;
    ring = self->ring;
    if (ring != NULL && ring != Py_None) {
        if (Py_IS_TYPE(ring, &LevelRing_Type)) {
            ring_push((LevelRingObject *)ring, now, level);
        }
        else {
            Py_INCREF(ring);
            result = PyObject_CallMethod(ring, "append", "Li", now, level);
            Py_DECREF(ring);
            if (result == NULL) {
                return -1;
            }
            Py_DECREF(result);
        }
    }
    watcher = self->watcher;
    if (watcher != NULL && watcher != Py_None) {
        PyObject *argv[2];
        argv[0] = PyLong_FromLong(level);
        argv[1] = PyLong_FromLongLong(now);
        if (argv[0] == NULL || argv[1] == NULL) {
            Py_XDECREF(argv[0]);
            Py_XDECREF(argv[1]);
            return -1;
        }
        Py_INCREF(watcher);
        result = PyObject_Vectorcall(watcher, argv, 2, NULL);
        Py_DECREF(watcher);
        Py_DECREF(argv[0]);
        Py_DECREF(argv[1]);
        if (result == NULL) {
            return -1;
        }
        Py_DECREF(result);
    }
    return 1;
}

PyDoc_STRVAR(simpin_write_doc,
             "write($self, /, level)\n--\n\n"
             "Set the output register to ``level`` (truthiness). On a ``simple`` pin (an "
             "unwired push-pull output nothing else drives) the level follows at once: a "
             "change is appended to ``ring`` with ``clock.now_ns()`` (the host's monotonic "
             "clock for None) and reported to ``watcher(level, time_ns)``, and True is "
             "returned; otherwise False (the caller resolves the net). Raises what the clock, "
             "the ring or the watcher raise.");

static PyObject *
simpin_write_method(PyObject *op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"self", "level"};
    PyObject *bound[2];
    int level, status;

    if (bind_args(METHOD_NAME("SimPinBase", "write"), 1, args, nargs, kwnames, args + nargs,
                  names, 2, 2, bound) < 0) {
        return NULL;
    }
    level = PyObject_IsTrue(bound[1]);
    if (level < 0) {
        return NULL;
    }
    Py_INCREF(op);
    status = simpin_write((SimPinObject *)op, level);
    Py_DECREF(op);
    if (status < 0) {
        return NULL;
    }
    return PyBool_FromLong(status);
}

static PyObject *
simpin_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    SimPinObject *self;

    (void)args;
    (void)kwds;
    self = (SimPinObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    Py_INCREF(Py_None);
    self->watcher = Py_None;
    Py_INCREF(Py_None);
    self->ring = Py_None;
    Py_INCREF(Py_None);
    self->clock = Py_None;
    Py_INCREF(Py_None);
    self->lock = Py_None;
    return (PyObject *)self;
}

static int
simpin_traverse(PyObject *op, visitproc visit, void *arg)
{
    SimPinObject *self = (SimPinObject *)op;

    Py_VISIT(self->watcher);
    Py_VISIT(self->ring);
    Py_VISIT(self->clock);
    Py_VISIT(self->lock);
    return 0;
}

static int
simpin_clear(PyObject *op)
{
    SimPinObject *self = (SimPinObject *)op;

    Py_CLEAR(self->watcher);
    Py_CLEAR(self->ring);
    Py_CLEAR(self->clock);
    Py_CLEAR(self->lock);
    return 0;
}

static void
simpin_dealloc(PyObject *op)
{
    PyObject_GC_UnTrack(op);
    simpin_clear(op);
    Py_TYPE(op)->tp_free(op);
}

static PyMethodDef simpin_methods[] = {
    {"write", (PyCFunction)(void (*)(void))simpin_write_method, METH_FASTCALL | METH_KEYWORDS,
     simpin_write_doc},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef simpin_members[] = {
    {"level", MEMBER_INT, offsetof(SimPinObject, level), 0, "The level at the pin."},
    {"output", MEMBER_INT, offsetof(SimPinObject, output), 0, "The output register."},
    {"simple", MEMBER_BOOL, offsetof(SimPinObject, simple), 0,
     "Whether write() may set the level itself: an unwired push-pull output nothing else "
     "drives."},
    {"watcher", MEMBER_OBJECT_EX, offsetof(SimPinObject, watcher), 0,
     "Called as watcher(level, time_ns) after write() changed the level, or None."},
    {"ring", MEMBER_OBJECT_EX, offsetof(SimPinObject, ring), 0,
     "Where write() records a change (a LevelRing), or None."},
    {"clock", MEMBER_OBJECT_EX, offsetof(SimPinObject, clock), 0,
     "What write() reads the time from (now_ns()), or None for the host's monotonic clock."},
    {"lock", MEMBER_OBJECT_EX, offsetof(SimPinObject, lock), 0,
     "The lock the pure-Python twin's write() holds (None: none); the C one holds the GIL."},
    {NULL, 0, 0, 0, NULL},
};

PyDoc_STRVAR(simpin_doc,
             "SimPinBase()\n--\n\n"
             "The state of a simulated pin that ``machine.Pin``'s fast path may drive "
             "directly (``write``).");

static PyTypeObject SimPinBase_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "micropython_compat._speedups.SimPinBase",
    .tp_basicsize = sizeof(SimPinObject),
    .tp_dealloc = simpin_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = simpin_doc,
    .tp_traverse = simpin_traverse,
    .tp_clear = simpin_clear,
    .tp_methods = simpin_methods,
    .tp_members = simpin_members,
    .tp_new = simpin_new,
    .tp_alloc = PyType_GenericAlloc,
    .tp_free = PyObject_GC_Del,
};

/* ---------------------------------------------------------------------------------------- */
/* PinBase                                                                                  */

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *line; /* hal.GPIOLine, None when deinitialised, NULL before __init__ */
    int out;        /* the output register as last written, -1 when unknown */
    int fd;         /* a GPIO v2 line request for the direct path, or -1 */
    PyObject *sim;  /* a simulated pin to write() directly (a SimPinBase), or None */
#if defined(HAVE_GPIO_V2)
    struct gpio_v2_line_values values; /* the direct path's ioctl buffer; mask 1 = line 0 */
#endif
} PinBaseObject;

static PyTypeObject PinBase_Type;

/* The AttributeError the twin raises reading an unset slot. */
static PyObject *
unset_line_error(PyObject *self)
{
    PyObject *line = PyObject_GetAttr(self, str_line);
    if (line != NULL) {
        Py_DECREF(line);
        PyErr_SetString(PyExc_AttributeError, "_line");
    }
    return NULL;
}

/* self._line if the pin is alive (a new reference), else NULL with the twin's error set. */
static PyObject *
alive_line(PinBaseObject *self)
{
    PyObject *line = self->line;
    if (line == NULL) {
        return unset_line_error((PyObject *)self);
    }
    if (line == Py_None) {
        PyErr_SetString(PyExc_ValueError, "pin is deinitialised");
        return NULL;
    }
    Py_INCREF(line);
    return line;
}

#if defined(HAVE_GPIO_V2)
/* micropython_compat.errors.device_error(code), raised; OSError(code, strerror) if that fails. */
static void
raise_device_error(int code)
{
    PyObject *errors, *exc;

    errors = PyImport_ImportModule("micropython_compat.errors");
    if (errors == NULL) {
        goto fallback;
    }
    exc = PyObject_CallMethod(errors, "device_error", "i", code);
    Py_DECREF(errors);
    if (exc == NULL) {
        goto fallback;
    }
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return;
fallback:
    PyErr_Clear();
    errno = code;
    PyErr_SetFromErrno(PyExc_OSError);
}

/* The failed ioctl `request` on self->fd, errno still set: retried after EINTR (running signal
 * handlers first, as the twin's interpreter does), else raised as device_error(errno).
 * Returns 0 once a retry succeeds, or -1 with the error set. */
static int
direct_failed(PinBaseObject *self, unsigned long request)
{
    int code = errno;

    while (code == EINTR) {
        if (PyErr_CheckSignals() < 0) {
            return -1;
        }
        if (ioctl(self->fd, request, &self->values) == 0) {
            return 0;
        }
        code = errno;
    }
    raise_device_error(code);
    return -1;
}

/* GPIO_V2_LINE_GET_VALUES on self->fd: the level of line 0, or -1 with OSError set.
 *
 * The GIL is held across the ioctl: on a line request it never waits for anything but the
 * chip's register access (for a chip on a slow bus, an I2C expander, that is one bus transfer),
 * and releasing and retaking the GIL would cost more than the system call itself. */
static int
direct_get(PinBaseObject *self)
{
    self->values.bits = 0;
    self->values.mask = 1;
    if (ioctl(self->fd, GPIO_V2_LINE_GET_VALUES_IOCTL, &self->values) != 0 &&
        direct_failed(self, GPIO_V2_LINE_GET_VALUES_IOCTL) < 0) {
        return -1;
    }
    return (int)(self->values.bits & 1);
}

/* GPIO_V2_LINE_SET_VALUES on self->fd driving line 0 to `level` (truthiness), then
 * _out = level. Returns 0, or -1 with OSError set (_out unchanged). */
static int
direct_set(PinBaseObject *self, int level)
{
    self->values.bits = level ? 1 : 0;
    self->values.mask = 1;
    if (ioctl(self->fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &self->values) != 0 &&
        direct_failed(self, GPIO_V2_LINE_SET_VALUES_IOCTL) < 0) {
        return -1;
    }
    self->out = level;
    return 0;
}

/* Whether the direct path applies: an fd, and a live line (the twin checks the line first). */
#  define DIRECT(self) ((self)->fd >= 0 && (self)->line != NULL && (self)->line != Py_None)
#endif

/* line.set(level): 0, or -1 with the error set. */
static int
call_set(PyObject *line, int level)
{
    PyObject *level_obj = PyLong_FromLong(level), *result;

    if (level_obj == NULL) {
        return -1;
    }
    result = PyObject_CallMethodOneArg(line, str_set, level_obj);
    Py_DECREF(level_obj);
    if (result == NULL) {
        return -1;
    }
    Py_DECREF(result);
    return 0;
}

/* Drive `level` through the simulated pin self->sim: _out = level first (a handler the change
 * runs may write the pin again), then sim.write(level), and line.set(level) when that says the
 * net needs resolving. Returns 0, or -1 with the error set. */
static int
sim_set(PinBaseObject *self, PyObject *line, int level)
{
    PyObject *sim = self->sim, *result, *level_obj;
    int status;

    self->out = level;
    Py_INCREF(sim);
    if (PyObject_TypeCheck(sim, &SimPinBase_Type)) {
        status = simpin_write((SimPinObject *)sim, level);
    }
    else {
        level_obj = PyLong_FromLong(level);
        result = level_obj == NULL ? NULL : PyObject_CallMethodOneArg(sim, str_write, level_obj);
        Py_XDECREF(level_obj);
        status = result == NULL ? -1 : PyObject_IsTrue(result);
        Py_XDECREF(result);
    }
    Py_DECREF(sim);
    if (status != 0) {
        return status < 0 ? -1 : 0;
    }
    return call_set(line, level);
}

/* Whether the simulated pin path applies: a SimPinBase and a live line. */
#define SIM_DIRECT(self)                                                                      \
    ((self)->sim != NULL && (self)->sim != Py_None && (self)->line != NULL &&                 \
     (self)->line != Py_None)

/* The level at the pin: int(line.get()) (or the direct read). Returns a new int object. */
static PyObject *
read_level(PinBaseObject *self, PyObject *line)
{
    if (self->sim != NULL && self->sim != Py_None) {
        if (PyObject_TypeCheck(self->sim, &SimPinBase_Type)) {
            return PyLong_FromLong(((SimPinObject *)self->sim)->level);
        }
        return steal_as_int(PyObject_GetAttrString(self->sim, "level"));
    }
#if defined(HAVE_GPIO_V2)
    if (self->fd >= 0) {
        int level = direct_get(self);
        return level < 0 ? NULL : PyLong_FromLong(level);
    }
#endif
    return steal_as_int(PyObject_CallMethodNoArgs(line, str_get));
}

/* line.set(level) (or the direct write), then _out = level. Returns 0, or -1 with the error. */
static int
write_level(PinBaseObject *self, PyObject *line, int level)
{
#if defined(HAVE_GPIO_V2)
    if (self->fd >= 0) {
        return direct_set(self, level);
    }
#endif
    if (self->sim != NULL && self->sim != Py_None) {
        return sim_set(self, line, level);
    }
    if (call_set(line, level) < 0) {
        return -1;
    }
    self->out = level;
    return 0;
}

static PyObject *
pin_value_impl(PinBaseObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *line, *result = NULL;
    int level;

#if defined(HAVE_GPIO_V2)
    /* The direct path: no reference counting, no attribute lookup, no allocation. An argument
     * other than a bool or an exact int takes the general path below: its __bool__ may run
     * Python code that changes the pin. */
    if (kwnames == NULL && DIRECT(self)) {
        if (nargs == 1) {
            PyObject *arg = args[0];
            if (arg == Py_True || arg == Py_False || PyLong_CheckExact(arg)) {
                level = arg == Py_True || (arg != Py_False && PyObject_IsTrue(arg));
                if (level != self->out && direct_set(self, level) < 0) {
                    return NULL;
                }
                Py_RETURN_NONE;
            }
        }
        else if (nargs == 0) {
            level = direct_get(self);
            return level < 0 ? NULL : PyLong_FromLong(level);
        }
    }
#endif
    /* The simulated pin path: a level change is a few stores (see SimPinBase.write). */
    if (kwnames == NULL && SIM_DIRECT(self) && PyObject_TypeCheck(self->sim, &SimPinBase_Type)) {
        if (nargs == 1) {
            PyObject *arg = args[0];
            if (arg == Py_True || arg == Py_False || PyLong_CheckExact(arg)) {
                level = arg == Py_True || (arg != Py_False && PyObject_IsTrue(arg));
                if (level != self->out) {
                    line = self->line;
                    Py_INCREF(line);
                    level = sim_set(self, line, level);
                    Py_DECREF(line);
                    if (level < 0) {
                        return NULL;
                    }
                }
                Py_RETURN_NONE;
            }
        }
        else if (nargs == 0) {
            return PyLong_FromLong(((SimPinObject *)self->sim)->level);
        }
    }
    if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0) {
        return method_keyword_error(METHOD_NAME("PinBase", "value"), kwnames);
    }
    line = alive_line(self);
    if (line == NULL) {
        return NULL;
    }
    if (nargs == 0) {
        result = read_level(self, line);
        Py_DECREF(line);
        return result;
    }
    if (nargs > 1) {
        PyErr_SetString(PyExc_TypeError, "function takes at most 1 positional argument");
        goto done;
    }
    level = PyObject_IsTrue(args[0]);
    if (level < 0) {
        goto done;
    }
    if (level == self->out || write_level(self, line, level) == 0) {
        result = Py_None;
        Py_INCREF(result);
    }
done:
    Py_DECREF(line);
    return result;
}

PyDoc_STRVAR(pin_value_doc,
             "value($self, *args)\n--\n\n"
             "Return the pin level, or with an argument drive it (truthiness decides).\n\n"
             "Raises ValueError once the pin is deinitialised, TypeError for more than one "
             "argument, OSError when the line refuses.");

static PyObject *
pin_value(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return pin_value_impl((PinBaseObject *)self, args, nargs, kwnames);
}

static PyObject *
pin_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
#if PY_VERSION_HEX < 0x030C0000
    PyTypeObject *type = Py_TYPE(self);
    if (type->tp_call != PyVectorcall_Call) {
        /* __call__ was assigned on a subclass after pin_new() gave it vectorcall (below):
         * give the flag up and call what is there now, as Python 3.12 does by itself. */
        type->tp_flags &= ~Py_TPFLAGS_HAVE_VECTORCALL;
        return PyObject_Vectorcall(self, args, nargsf, kwnames);
    }
#endif
    return pin_value_impl((PinBaseObject *)self, args, PyVectorcall_NARGS(nargsf), kwnames);
}

PyDoc_STRVAR(pin_toggle_doc,
             "toggle($self)\n--\n\n"
             "Invert the output.\n\n"
             "Raises ValueError once the pin is deinitialised, OSError when the line refuses.");

static PyObject *
pin_toggle(PyObject *op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"self"};
    PinBaseObject *self = (PinBaseObject *)op;
    PyObject *line, *current_obj, *bound[1];
    long current;
    int status;

    if (nargs == 0 && kwnames == NULL && SIM_DIRECT(self) && self->out >= 0 &&
        PyObject_TypeCheck(self->sim, &SimPinBase_Type)) { /* the simulated pin path */
        line = self->line;
        Py_INCREF(line);
        status = sim_set(self, line, self->out ^ 1);
        Py_DECREF(line);
        if (status < 0) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
#if defined(HAVE_GPIO_V2)
    if (nargs == 0 && kwnames == NULL && DIRECT(self)) { /* the direct path */
        int level = self->out;
        if (level < 0 && (level = direct_get(self)) < 0) {
            return NULL;
        }
        if (direct_set(self, level ^ 1) < 0) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
#endif
    if (nargs != 0 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0)) {
        bind_args(METHOD_NAME("PinBase", "toggle"), 1, args, nargs, kwnames, NULL, names, 1, 1,
                  bound);
        return NULL;
    }
    line = alive_line(self);
    if (line == NULL) {
        return NULL;
    }
    if (self->out >= 0) {
        current = self->out;
    }
    else {
        current_obj = read_level(self, line);
        if (current_obj == NULL) {
            Py_DECREF(line);
            return NULL;
        }
        current = PyLong_AsLong(current_obj);
        Py_DECREF(current_obj);
        if (current == -1 && PyErr_Occurred()) {
            Py_DECREF(line);
            return NULL;
        }
        if (current < INT_MIN || current > INT_MAX) {
            Py_DECREF(line);
            PyErr_SetString(PyExc_OverflowError, "line level out of range");
            return NULL;
        }
    }
    status = write_level(self, line, (int)(current ^ 1));
    Py_DECREF(line);
    if (status < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
pin_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PinBaseObject *self;

    (void)args;
    (void)kwds;
#if PY_VERSION_HEX < 0x030C0000
    /* Before 3.12 a class defined in Python never inherits Py_TPFLAGS_HAVE_VECTORCALL, so
     * pin(v) on machine.Pin would pack its arguments into a tuple for tp_call. A subclass that
     * keeps our __call__ (tp_call inherited) gets the flag here; pin_vectorcall() drops it
     * again if __call__ is assigned later. */
    if (!(type->tp_flags & Py_TPFLAGS_HAVE_VECTORCALL) && type->tp_call == PyVectorcall_Call &&
        type->tp_vectorcall_offset == offsetof(PinBaseObject, vectorcall)) {
        type->tp_flags |= Py_TPFLAGS_HAVE_VECTORCALL;
    }
#endif
    self = (PinBaseObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->vectorcall = pin_vectorcall;
    self->line = NULL;
    self->out = -1;
    self->fd = -1;
    Py_INCREF(Py_None);
    self->sim = Py_None;
#if defined(HAVE_GPIO_V2)
    self->values.bits = 0;
    self->values.mask = 1;
#endif
    return (PyObject *)self;
}

static int
pin_init(PyObject *op, PyObject *args, PyObject *kwds)
{
    static const char *const names[] = {"self"};
    PinBaseObject *self = (PinBaseObject *)op;
    PyObject *old, *bound[1];

    if (PyTuple_GET_SIZE(args) != 0 || (kwds != NULL && PyDict_GET_SIZE(kwds) != 0)) {
        bind_tuple_args(METHOD_NAME("PinBase", "__init__"), args, kwds, names, 1, 1, bound);
        return -1;
    }
    old = self->line;
    Py_INCREF(Py_None);
    self->line = Py_None;
    self->out = -1;
    self->fd = -1;
    Py_XDECREF(old);
    old = self->sim;
    Py_INCREF(Py_None);
    self->sim = Py_None;
    Py_XDECREF(old);
    return 0;
}

static int
pin_traverse(PyObject *op, visitproc visit, void *arg)
{
    Py_VISIT(((PinBaseObject *)op)->line);
    Py_VISIT(((PinBaseObject *)op)->sim);
    return 0;
}

static int
pin_clear(PyObject *op)
{
    Py_CLEAR(((PinBaseObject *)op)->line);
    Py_CLEAR(((PinBaseObject *)op)->sim);
    return 0;
}

static void
pin_dealloc(PyObject *op)
{
    PyObject_GC_UnTrack(op);
    Py_CLEAR(((PinBaseObject *)op)->line);
    Py_CLEAR(((PinBaseObject *)op)->sim);
    Py_TYPE(op)->tp_free(op);
}

static PyMethodDef pin_methods[] = {
    {"value", (PyCFunction)(void (*)(void))pin_value, METH_FASTCALL | METH_KEYWORDS,
     pin_value_doc},
    {"toggle", (PyCFunction)(void (*)(void))pin_toggle, METH_FASTCALL | METH_KEYWORDS,
     pin_toggle_doc},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef pin_members[] = {
    {"_line", MEMBER_OBJECT_EX, offsetof(PinBaseObject, line), 0,
     "The backend's line handle (hal.GPIOLine), None once deinitialised."},
    {"_out", MEMBER_INT, offsetof(PinBaseObject, out), 0,
     "The output register as last written: 0, 1, or -1 when unknown."},
    {"_fd", MEMBER_INT, offsetof(PinBaseObject, fd), 0,
     "A Linux GPIO v2 line request fd for the direct path, or -1."},
    {"_sim", MEMBER_OBJECT_EX, offsetof(PinBaseObject, sim), 0,
     "A simulated pin (SimPinBase) that value() and toggle() write() directly, or None."},
    {NULL, 0, 0, 0, NULL},
};

PyDoc_STRVAR(pin_doc,
             "PinBase()\n--\n\n"
             "Fast value access for ``machine.Pin``; ``_line`` is a ``hal.GPIOLine``.");

static PyTypeObject PinBase_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "micropython_compat._speedups.PinBase",
    .tp_basicsize = sizeof(PinBaseObject),
    .tp_dealloc = pin_dealloc,
    .tp_vectorcall_offset = offsetof(PinBaseObject, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC |
                Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = pin_doc,
    .tp_traverse = pin_traverse,
    .tp_clear = pin_clear,
    .tp_methods = pin_methods,
    .tp_members = pin_members,
    .tp_init = pin_init,
    .tp_alloc = PyType_GenericAlloc,
    .tp_new = pin_new,
    .tp_free = PyObject_GC_Del,
};

/* ---------------------------------------------------------------------------------------- */
/* ure: Match and FastMatcher                                                               */

/* A MicroPython match object over a CPython re.Match: only group(index), numeric. */
typedef struct {
    PyObject_HEAD
    PyObject *m;      /* the re.Match (any object when built by hand) */
    Py_ssize_t count; /* m.re.groups + 1 once read, else -1 */
} MatchObject;

static PyTypeObject Match_Type;

/* Freed Match objects kept for reuse, as CPython's own small types keep theirs (a match is
 * made and dropped on every call; this halves what the wrapper costs). The GIL guards it. */
#define MATCH_FREE_MAX 16
static MatchObject *match_free_list[MATCH_FREE_MAX];
static int match_free_count;

/* A new Match (`type` is Match_Type) over `m`, stealing the reference. */
static PyObject *
match_wrap(PyTypeObject *type, PyObject *m)
{
    MatchObject *self;

    if (match_free_count > 0) {
        self = match_free_list[--match_free_count];
        (void)PyObject_Init((PyObject *)self, type);
    }
    else {
        self = PyObject_GC_New(MatchObject, type);
        if (self == NULL) {
            Py_DECREF(m);
            return NULL;
        }
    }
    self->m = m;
    self->count = -1;
    PyObject_GC_Track(self);
    return (PyObject *)self;
}

/* m.re.groups + 1 (read once), or -1 with the error set. */
static Py_ssize_t
match_count(MatchObject *self)
{
    PyObject *pattern, *groups;
    Py_ssize_t count;

    if (self->count >= 0) {
        return self->count;
    }
    if (self->m == NULL) { /* cleared by the garbage collector */
        PyErr_SetString(PyExc_AttributeError, "_m");
        return -1;
    }
    pattern = PyObject_GetAttr(self->m, str_re);
    if (pattern == NULL) {
        return -1;
    }
    groups = PyObject_GetAttr(pattern, str_groups);
    Py_DECREF(pattern);
    if (groups == NULL) {
        return -1;
    }
    count = PyNumber_AsSsize_t(groups, PyExc_OverflowError);
    Py_DECREF(groups);
    if (count == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (count < 0) {
        count = 0; /* no index is in range */
    }
    else if (count < PY_SSIZE_T_MAX) {
        count += 1;
    }
    self->count = count;
    return count;
}

PyDoc_STRVAR(match_group_doc,
             "group($self, index=0)\n--\n\n"
             "The text of group ``index`` (0: the whole match), or None if it took no part.\n\n"
             "Raises TypeError(\"can't convert to int\") for a non-int index and "
             "IndexError(index) when it is out of range.");

static PyObject *
match_group(PyObject *op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"self", "index"};
    MatchObject *self = (MatchObject *)op;
    PyObject *index, *bound[2];
    Py_ssize_t count, i;

    if (nargs <= 1 && (kwnames == NULL || PyTuple_GET_SIZE(kwnames) == 0)) {
        index = nargs == 1 ? args[0] : NULL;
    }
    else if (bind_args(METHOD_NAME("Match", "group"), 1, args, nargs, kwnames, args + nargs,
                       names, 2, 1, bound) < 0) {
        return NULL;
    }
    else {
        index = bound[1];
    }
    if (index == NULL) {
        index = int_zero;
    }
    if (!PyLong_Check(index)) {
        PyErr_SetString(PyExc_TypeError, "can't convert to int");
        return NULL;
    }
    count = match_count(self);
    if (count < 0) {
        return NULL;
    }
    i = PyLong_AsSsize_t(index);
    if (i == -1 && PyErr_Occurred()) {
        PyErr_Clear(); /* beyond Py_ssize_t: out of range */
        i = -1;
    }
    if (i < 0 || i >= count) {
        PyErr_SetObject(PyExc_IndexError, index);
        return NULL;
    }
    if (self->m == NULL) {
        PyErr_SetString(PyExc_AttributeError, "_m");
        return NULL;
    }
    return PyObject_CallMethodOneArg(self->m, str_group, index);
}

static PyObject *
match_repr(PyObject *op)
{
    Py_ssize_t count = match_count((MatchObject *)op);

    return count < 0 ? NULL : PyUnicode_FromFormat("<match num=%zd>", count);
}

static PyObject *
match_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static const char *const names[] = {"self", "m"};
    PyObject *bound[2];

    if (bind_tuple_args(METHOD_NAME("Match", "__init__"), args, kwds, names, 2, 2, bound) < 0) {
        return NULL;
    }
    Py_INCREF(bound[1]);
    return match_wrap(type, bound[1]);
}

static int
match_traverse(PyObject *op, visitproc visit, void *arg)
{
    Py_VISIT(((MatchObject *)op)->m);
    return 0;
}

static int
match_clear(PyObject *op)
{
    Py_CLEAR(((MatchObject *)op)->m);
    return 0;
}

static void
match_dealloc(PyObject *op)
{
    PyObject_GC_UnTrack(op);
    Py_CLEAR(((MatchObject *)op)->m);
    if (match_free_count < MATCH_FREE_MAX) {
        match_free_list[match_free_count++] = (MatchObject *)op;
        return;
    }
    PyObject_GC_Del(op);
}

static PyMethodDef match_methods[] = {
    {"group", (PyCFunction)(void (*)(void))match_group, METH_FASTCALL | METH_KEYWORDS,
     match_group_doc},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef match_members[] = {
    {"_m", MEMBER_OBJECT_EX, offsetof(MatchObject, m), READONLY, "The wrapped re.Match."},
    {NULL, 0, 0, 0, NULL},
};

PyDoc_STRVAR(match_doc,
             "Match(m)\n--\n\n"
             "``ure``'s match object over the re.Match ``m``: only ``group(index)``, numeric; "
             "repr ``<match num=N>``.");

static PyTypeObject Match_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "micropython_compat._speedups.Match",
    .tp_basicsize = sizeof(MatchObject),
    .tp_dealloc = match_dealloc,
    .tp_repr = match_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = match_doc,
    .tp_traverse = match_traverse,
    .tp_clear = match_clear,
    .tp_methods = match_methods,
    .tp_members = match_members,
    .tp_new = match_new,
};

/* `regex.match` / `regex.search`: func(string) wrapped in a Match for an ASCII str, else
 * fallback(*args, **kwargs). */
typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *func;     /* a compiled pattern's bound match/search, or None */
    PyObject *fallback; /* the general path */
} FastMatcherObject;

/* 1 if `obj` is an exact str of ASCII characters only, 0 if not, -1 with an error set. */
static int
is_ascii_str(PyObject *obj)
{
    if (!PyUnicode_CheckExact(obj)) {
        return 0;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(obj) < 0) {
        return -1;
    }
#endif
    return PyUnicode_IS_ASCII(obj) ? 1 : 0;
}

static PyObject *
fast_matcher_vectorcall(PyObject *op, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    FastMatcherObject *self = (FastMatcherObject *)op;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    PyObject *func, *result;
    int ascii;

    if (nargs >= 1 && nargs <= 3 && (kwnames == NULL || PyTuple_GET_SIZE(kwnames) == 0) &&
        self->func != Py_None) {
        ascii = is_ascii_str(args[0]);
        if (ascii < 0) {
            return NULL;
        }
        if (ascii) {
            func = self->func;
            Py_INCREF(func);
            result = PyObject_Vectorcall(func, args,
                                         1 | (nargsf & PY_VECTORCALL_ARGUMENTS_OFFSET), NULL);
            Py_DECREF(func);
            if (result == NULL || result == Py_None) {
                return result;
            }
            return match_wrap(&Match_Type, result);
        }
    }
    func = self->fallback;
    Py_INCREF(func);
    result = PyObject_Vectorcall(func, args, nargsf, kwnames);
    Py_DECREF(func);
    return result;
}

static PyObject *
fast_matcher_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static const char *const names[] = {"self", "func", "fallback"};
    PyObject *bound[3];
    FastMatcherObject *self;

    if (bind_tuple_args(METHOD_NAME("FastMatcher", "__init__"), args, kwds, names, 3, 3,
                        bound) < 0) {
        return NULL;
    }
    self = PyObject_GC_New(FastMatcherObject, type);
    if (self == NULL) {
        return NULL;
    }
    self->vectorcall = fast_matcher_vectorcall;
    Py_INCREF(bound[1]);
    self->func = bound[1];
    Py_INCREF(bound[2]);
    self->fallback = bound[2];
    PyObject_GC_Track(self);
    return (PyObject *)self;
}

static int
fast_matcher_traverse(PyObject *op, visitproc visit, void *arg)
{
    Py_VISIT(((FastMatcherObject *)op)->func);
    Py_VISIT(((FastMatcherObject *)op)->fallback);
    return 0;
}

static int
fast_matcher_clear(PyObject *op)
{
    Py_CLEAR(((FastMatcherObject *)op)->func);
    Py_CLEAR(((FastMatcherObject *)op)->fallback);
    return 0;
}

static void
fast_matcher_dealloc(PyObject *op)
{
    PyObject_GC_UnTrack(op);
    fast_matcher_clear(op);
    PyObject_GC_Del(op);
}

static PyMemberDef fast_matcher_members[] = {
    {"_func", MEMBER_OBJECT_EX, offsetof(FastMatcherObject, func), READONLY,
     "The compiled pattern's bound match or search, or None."},
    {"_fallback", MEMBER_OBJECT_EX, offsetof(FastMatcherObject, fallback), READONLY,
     "The general path: called with every call the fast path does not take."},
    {NULL, 0, 0, 0, NULL},
};

PyDoc_STRVAR(fast_matcher_doc,
             "FastMatcher(func, fallback)\n--\n\n"
             "Called as ``(string, *ignored)`` with an exact ASCII ``str`` and at most two "
             "ignored arguments (and ``func`` not None): ``Match(func(string))``, or None when "
             "that is None. Any other call: ``fallback(*args, **kwargs)``.");

static PyTypeObject FastMatcher_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "micropython_compat._speedups.FastMatcher",
    .tp_basicsize = sizeof(FastMatcherObject),
    .tp_dealloc = fast_matcher_dealloc,
    .tp_vectorcall_offset = offsetof(FastMatcherObject, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = fast_matcher_doc,
    .tp_traverse = fast_matcher_traverse,
    .tp_clear = fast_matcher_clear,
    .tp_members = fast_matcher_members,
    .tp_new = fast_matcher_new,
};

/* ---------------------------------------------------------------------------------------- */
/* Module                                                                                   */

static PyMethodDef module_methods[] = {
    {"ticks_ms", (PyCFunction)(void (*)(void))ticks_ms, METH_FASTCALL | METH_KEYWORDS,
     ticks_ms_doc},
    {"ticks_us", (PyCFunction)(void (*)(void))ticks_us, METH_FASTCALL | METH_KEYWORDS,
     ticks_us_doc},
    {"ticks_cpu", (PyCFunction)(void (*)(void))ticks_cpu, METH_FASTCALL | METH_KEYWORDS,
     ticks_cpu_doc},
    {"ticks_diff", (PyCFunction)(void (*)(void))ticks_diff, METH_FASTCALL | METH_KEYWORDS,
     ticks_diff_doc},
    {"ticks_add", (PyCFunction)(void (*)(void))ticks_add, METH_FASTCALL | METH_KEYWORDS,
     ticks_add_doc},
    {"set_clock", (PyCFunction)(void (*)(void))set_clock, METH_FASTCALL | METH_KEYWORDS,
     set_clock_doc},
    {"set_ticks_offset", (PyCFunction)(void (*)(void))set_ticks_offset,
     METH_FASTCALL | METH_KEYWORDS, set_ticks_offset_doc},
    {NULL, NULL, 0, NULL},
};

static void
module_free(void *module)
{
    (void)module;
    Py_CLEAR(clock_obj);
    while (match_free_count > 0) {
        PyObject_GC_Del(match_free_list[--match_free_count]);
    }
}

PyDoc_STRVAR(module_doc,
             "The C fast path for ticks_*, machine.Pin and ure's match/search; behaves "
             "exactly like micropython_compat._pyimpl.");

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "micropython_compat._speedups",
    .m_doc = module_doc,
    .m_size = -1,
    .m_methods = module_methods,
    .m_free = module_free,
};

/* module.name = type; returns 0, or -1 with the error set. */
static int
add_type(PyObject *module, const char *name, PyTypeObject *type)
{
    Py_INCREF(type);
    if (PyModule_AddObject(module, name, (PyObject *)type) < 0) {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}

PyMODINIT_FUNC
PyInit__speedups(void)
{
    PyObject *module, *gpio_v2;

    if (str_get == NULL) {
        str_get = PyUnicode_InternFromString("get");
        str_set = PyUnicode_InternFromString("set");
        str_ticks_ns = PyUnicode_InternFromString("ticks_ns");
        str_now_ns = PyUnicode_InternFromString("now_ns");
        str_write = PyUnicode_InternFromString("write");
        str_line = PyUnicode_InternFromString("_line");
        str_re = PyUnicode_InternFromString("re");
        str_groups = PyUnicode_InternFromString("groups");
        str_group = PyUnicode_InternFromString("group");
        int_zero = PyLong_FromLong(0);
        if (str_get == NULL || str_set == NULL || str_ticks_ns == NULL || str_now_ns == NULL ||
            str_write == NULL || str_line == NULL ||
            str_re == NULL || str_groups == NULL || str_group == NULL || int_zero == NULL) {
            return NULL;
        }
    }
#if !defined(HAVE_CLOCK_MONOTONIC) && PY_VERSION_HEX < 0x030D0000
    if (monotonic_ns_func == NULL) {
        PyObject *time_module = PyImport_ImportModule("time");
        if (time_module == NULL) {
            return NULL;
        }
        monotonic_ns_func = PyObject_GetAttrString(time_module, "monotonic_ns");
        Py_DECREF(time_module);
        if (monotonic_ns_func == NULL) {
            return NULL;
        }
    }
#endif
    if (PyType_Ready(&PinBase_Type) < 0 || PyType_Ready(&Match_Type) < 0 ||
        PyType_Ready(&FastMatcher_Type) < 0 || PyType_Ready(&LevelRing_Type) < 0 ||
        PyType_Ready(&SimPinBase_Type) < 0) {
        return NULL;
    }
    module = PyModule_Create(&speedups_module);
    if (module == NULL) {
        return NULL;
    }
    if (add_type(module, "PinBase", &PinBase_Type) < 0 ||
        add_type(module, "Match", &Match_Type) < 0 ||
        add_type(module, "FastMatcher", &FastMatcher_Type) < 0 ||
        add_type(module, "LevelRing", &LevelRing_Type) < 0 ||
        add_type(module, "SimPinBase", &SimPinBase_Type) < 0) {
        Py_DECREF(module);
        return NULL;
    }
#if defined(HAVE_GPIO_V2)
    gpio_v2 = Py_True;
#else
    gpio_v2 = Py_False;
#endif
    Py_INCREF(gpio_v2);
    if (PyModule_AddObject(module, "HAVE_GPIO_V2", gpio_v2) < 0) {
        Py_DECREF(gpio_v2);
        Py_DECREF(module);
        return NULL;
    }
    if (PyModule_AddIntConstant(module, "TICKS_PERIOD", (long)TICKS_PERIOD) < 0 ||
        PyModule_AddIntConstant(module, "TICKS_MAX", (long)TICKS_MAX) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
