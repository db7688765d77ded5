# ujson: the device's output format and its lenient parser.
import ujson

print(ujson.dumps({"a": [1, 2, (3, 4)]}))
print(ujson.dumps([None, True, False, "x\ny", b"raw"]))
print(ujson.dumps({1: "int key"}))
print(ujson.loads('{"name": "wipy", "pins": [1, 2, 3], "on": true, "off": null}')["pins"])
print(ujson.loads("[1 2 3,]"))
print(ujson.loads('{"a" 1}'))
print(ujson.loads("[1, 2"))
for bad in ["'single'", "NaN", "+1", "[1] 2", ""]:
    try:
        ujson.loads(bad)
    except ValueError as e:
        print("ValueError:", e)
try:
    ujson.loads("1.5")
except ValueError as e:
    print("ValueError:", e)
