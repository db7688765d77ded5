"""Device models users need, each driven by a driver program written for the WiPy
(tests/device_programs), and reporting protocol errors as test failures."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from micropython_compat.backends.sim.hd44780 import HD44780
from micropython_compat.backends.sim.onewire import DS18B20, crc8
from micropython_compat.backends.sim.protocol import ProtocolError
from micropython_compat.backends.sim.ssd1306 import SSD1306I2C, SSD1306SPI
from micropython_compat.backends.sim.ws2812 import WS2812

PROGRAMS = Path(__file__).resolve().parent / "device_programs"


# -- HD44780 behind a PCF8574 ---------------------------------------------------------------


def test_lcd_shows_what_the_driver_wrote_and_renders_it(wipy, tmp_path) -> None:
    lcd = HD44780(16, 2, clock=wipy.clock)
    wipy.i2c_bus(0).attach(0x27, lcd)
    driver = wipy.load(PROGRAMS / "i2c_lcd.py")
    from machine import I2C

    driver.demo(I2C(0))
    assert lcd.screen() == ["Hello, WiPy!    ", "temp 21 C       "]
    assert lcd.display_on and lcd.backlight and lcd.errors == []
    picture = Image.open(lcd.render(tmp_path / "lcd.png")).convert("L")
    assert picture.size == (16 * 12 + 20, 2 * 20 + 20)
    # ink where the characters are, none in the blank cells at the end of line 2
    assert _darkest(picture.crop((10, 10, 10 + 12 * 12, 30))) < 60
    assert _darkest(picture.crop((10 + 12 * 10, 30, 10 + 12 * 16, 50))) > 100


def _darkest(image: Image.Image) -> int:
    low = image.getextrema()[0]
    assert isinstance(low, int)
    return low


def test_lcd_reports_a_command_sent_while_a_clear_still_runs(wipy) -> None:
    lcd = HD44780(16, 2, clock=wipy.clock)
    wipy.i2c_bus(0).attach(0x27, lcd)
    driver = wipy.load(PROGRAMS / "i2c_lcd.py")
    from machine import I2C

    with pytest.raises(ProtocolError) as caught:
        driver.I2cLcd(I2C(0), delay=False)  # no wait after clear (0x01)
    assert "too early: the controller is still executing clear display (0x01)" in str(caught.value)
    assert str(caught.value).startswith("HD44780: instruction 0x06 sent")


def test_lcd_refuses_data_before_it_is_set_up(wipy) -> None:
    lcd = HD44780()
    wipy.i2c_bus(0).attach(0x27, lcd)
    from machine import I2C

    i2c = I2C(0)
    with pytest.raises(ProtocolError, match="before a function set configured the display"):
        i2c.writeto(0x27, bytes([0x45, 0x41]))  # RS=1, E falls: a data nibble at power-up


# -- SSD1306 ----------------------------------------------------------------------------------


def _expected_picture(oled) -> None:
    rows = oled.pixels()
    assert rows[0] == "#" * 128 and rows[63] == "#" * 128
    assert all(row[0] == "#" and row[127] == "#" for row in rows)
    assert rows[20][10:60] == "#" * 50 and rows[20][9] == "." and rows[20][60] == "."
    assert rows[40][100] == "#"
    assert sum(row.count("#") for row in rows) == 2 * 128 + 2 * 62 + 50 + 1


def test_ssd1306_over_i2c_shows_the_drivers_buffer_and_saves_it(wipy, tmp_path) -> None:
    oled = SSD1306I2C()
    wipy.i2c_bus(0).attach(0x3C, oled)
    driver = wipy.load(PROGRAMS / "ssd1306_driver.py")
    from machine import I2C

    driver.draw(driver.SSD1306_I2C(I2C(0)))
    _expected_picture(oled)
    png = Image.open(oled.save_png(tmp_path / "oled.png", scale=2)).convert("1")
    assert png.size == (256, 128)
    for x, y in ((0, 0), (10, 20), (59, 20), (100, 40), (127, 63), (50, 50)):
        assert bool(png.getpixel((2 * x, 2 * y))) == (oled.pixel(x, y) == 1)


def test_ssd1306_over_spi_reads_dc_and_cs(wipy) -> None:
    oled = SSD1306SPI(wipy, dc="GP12", cs="GP13")
    wipy.spi_bus(0).attach(oled)
    driver = wipy.load(PROGRAMS / "ssd1306_driver.py")
    from machine import SPI

    spi = SPI(0, SPI.MASTER, baudrate=8000000, polarity=0, phase=0)
    driver.draw(driver.SSD1306_SPI(spi, "GP12", "GP13"))
    _expected_picture(oled)


def test_ssd1306_reports_an_unknown_command(wipy) -> None:
    wipy.i2c_bus(0).attach(0x3C, SSD1306I2C())
    from machine import I2C

    with pytest.raises(ProtocolError, match="SSD1306: 0xfe is not a command"):
        I2C(0).writeto(0x3C, b"\x80\xfe")


# -- WS2812 -----------------------------------------------------------------------------------


def test_ws2812_decodes_the_drivers_spi_bits_to_colours(wipy) -> None:
    strip = WS2812(3)
    wipy.spi_bus(0).attach(strip)
    driver = wipy.load(PROGRAMS / "ws2812_driver.py")
    leds = driver.WS2812(3)
    leds.show([(255, 0, 0), (0, 128, 1), (18, 52, 86)])
    assert strip.colors == [(255, 0, 0), (0, 128, 1), (18, 52, 86)]
    leds.show([(1, 2, 3)] * 3)
    assert strip.colors == [(1, 2, 3)] * 3 and strip.frames == 2


def test_ws2812_reports_a_wrong_bit_rate_and_a_bad_pattern(wipy) -> None:
    strip = WS2812(1)
    wipy.spi_bus(0).attach(strip)
    driver = wipy.load(PROGRAMS / "ws2812_driver.py")
    with pytest.raises(ProtocolError, match="SPI at 1000000 Hz makes 4-bit LED bits of 4000 ns"):
        driver.WS2812(1, baudrate=1000000).show([(0, 0, 0)])
    from machine import SPI

    spi = SPI(0, SPI.MASTER, baudrate=3200000)
    with pytest.raises(ProtocolError, match=r"SPI byte 1 \(0xa8\), high nibble 1010"):
        spi.write(bytes([0x88, 0xA8] + [0x88] * 10))
    assert len(strip.errors) == 2


# -- DS18B20 on a bit-banged 1-Wire bus -------------------------------------------------------


def test_ds18b20_answers_a_bit_banged_driver_on_the_board_clock(wipy) -> None:
    sensor = DS18B20(wipy, pin="GP12", via="GP22", serial=0x0000_00AB_CDEF)
    driver = wipy.load(PROGRAMS / "ds18b20_driver.py")
    bus = driver.OneWire("GP12")
    rom = driver.read_rom(bus)
    assert rom == sensor.rom and rom[0] == 0x28 and crc8(rom[:7]) == rom[7]
    sensor.temperature = 21.5
    start = wipy.clock.now_ns()
    assert driver.read_temperature(bus) == 21.5 * 16
    assert wipy.clock.now_ns() - start > 750_000_000  # the conversion was waited for
    sensor.temperature = -10.125
    assert driver.read_temperature(bus) == -10.125 * 16
    assert sensor.errors == []


def test_ds18b20_without_conversion_reads_the_power_on_value(wipy) -> None:
    DS18B20(wipy, pin="GP12", via="GP22")
    driver = wipy.load(PROGRAMS / "ds18b20_driver.py")
    bus = driver.OneWire("GP12")
    assert bus.reset()
    bus.write_byte(0xCC)
    bus.write_byte(0xBE)
    data = bytes(bus.read_byte() for _ in range(9))
    assert data[0] | data[1] << 8 == 85 * 16 and crc8(data[:8]) == data[8]


def test_ds18b20_reports_a_slot_of_the_wrong_length_and_an_unknown_command(wipy) -> None:
    DS18B20(wipy, pin="GP12", via="GP22")
    driver = wipy.load(PROGRAMS / "ds18b20_driver.py")
    bus = driver.OneWire("GP12")
    assert bus.reset()
    with pytest.raises(ProtocolError, match="0x12 is not a ROM command"):
        bus.write_byte(0x12)
    assert bus.reset()
    import utime

    bus.pin(0)
    utime.sleep_us(200)
    with pytest.raises(ProtocolError, match=r"a low pulse of 20[0-9] us is neither a write-1"):
        bus.pin(1)
