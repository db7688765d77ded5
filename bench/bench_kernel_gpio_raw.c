/*
 * The floor for bench_kernel_gpio.py: drive one GPIO line from C with nothing but the
 * GPIO_V2_LINE_SET_VALUES ioctl in a loop, the same call the C fast path of machine.Pin makes.
 *
 *   gpio-raw-loop CHIP OFFSET CALLS REPEATS
 *
 * Requests line OFFSET of the chip device CHIP (e.g. /dev/gpiochip0) as an output, then
 * REPEATS times sets it CALLS times, alternating 1 and 0 (every call changes the level), and
 * prints the best run as "ns_per_call <float>". Then, the same way, times the cheapest system
 * call there is (getppid, made with syscall() so no C library can cache it) and prints
 * "getppid_ns_per_call <float>": with a Python loop calling os.getppid() it gives what a
 * Python caller pays per system call on top of C. Exit status 1 with a message on any error.
 * Built statically on the host by tests/kernel/run.sh --bench (the guest has no compiler).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/gpio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct gpio_v2_line_request req;
	struct gpio_v2_line_values values;
	long calls, repeats, i, r;
	double best = -1.0;
	int chip;

	if (argc != 5) {
		fprintf(stderr, "usage: %s CHIP OFFSET CALLS REPEATS\n", argv[0]);
		return 1;
	}
	calls = strtol(argv[3], NULL, 10);
	repeats = strtol(argv[4], NULL, 10);
	chip = open(argv[1], O_RDWR | O_CLOEXEC);
	if (chip < 0) {
		fprintf(stderr, "open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(&req, 0, sizeof(req));
	req.offsets[0] = (unsigned int)strtoul(argv[2], NULL, 10);
	req.num_lines = 1;
	req.config.flags = GPIO_V2_LINE_FLAG_OUTPUT;
	strncpy(req.consumer, "gpio-raw-loop", sizeof(req.consumer) - 1);
	if (ioctl(chip, GPIO_V2_GET_LINE_IOCTL, &req) < 0) {
		fprintf(stderr, "request line %s of %s: %s\n", argv[2], argv[1], strerror(errno));
		return 1;
	}
	values.mask = 1;
	for (r = 0; r < repeats; r++) {
		double start = now_ns(), took;

		for (i = 0; i < calls; i++) {
			values.bits = (unsigned long long)(i & 1);
			if (ioctl(req.fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &values) < 0) {
				fprintf(stderr, "GPIO_V2_LINE_SET_VALUES: %s\n", strerror(errno));
				return 1;
			}
		}
		took = (now_ns() - start) / (double)calls;
		if (best < 0 || took < best)
			best = took;
	}
	printf("ns_per_call %.1f\n", best);
	best = -1.0;
	for (r = 0; r < repeats; r++) {
		double start = now_ns(), took;

		for (i = 0; i < calls; i++)
			syscall(SYS_getppid);
		took = (now_ns() - start) / (double)calls;
		if (best < 0 || took < best)
			best = took;
	}
	printf("getppid_ns_per_call %.1f\n", best);
	close(req.fd);
	close(chip);
	return 0;
}
