// SPDX-License-Identifier: GPL-2.0
/*
 * spi-loopback: a virtual SPI controller whose MISO is wired to its MOSI.
 *
 * Part of micropython-compat's real-kernel test tier (tests/kernel/). The kernel has no
 * virtual SPI controller, so this module registers one (bus number `bus_num`, default 0) whose
 * every transfer copies the bytes it sends into the bytes it receives (zeros when a transfer
 * only reads), and adds one device on chip select 0 with modalias "dh2228fv", an id from
 * spidev's own table, so spidev binds to it and /dev/spidev<bus_num>.0 appears.
 *
 * The controller accepts every mode bit spidev can ask for (CPOL, CPHA, CS_HIGH, LSB_FIRST,
 * 3WIRE, NO_CS) and 1..32 bits per word; they change nothing on a wire that loops back.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/spi/spi.h>
#include <linux/string.h>

static int bus_num;
module_param(bus_num, int, 0444);
MODULE_PARM_DESC(bus_num, "SPI bus number of the loopback controller (default 0)");

static struct platform_device *loop_pdev;
static struct spi_controller *loop_ctlr;
static struct spi_device *loop_spi;

static int loop_transfer_one(struct spi_controller *ctlr, struct spi_device *spi,
			     struct spi_transfer *xfer)
{
	if (xfer->rx_buf) {
		if (xfer->tx_buf)
			memmove(xfer->rx_buf, xfer->tx_buf, xfer->len);
		else
			memset(xfer->rx_buf, 0, xfer->len);
	}
	return 0; /* done: nothing to wait for */
}

static int __init loop_init(void)
{
	struct spi_board_info info = {
		.modalias = "dh2228fv",
		.max_speed_hz = 50000000,
		.chip_select = 0,
		.mode = SPI_MODE_0,
	};
	int ret;

	loop_pdev = platform_device_register_simple("spi-loopback", -1, NULL, 0);
	if (IS_ERR(loop_pdev))
		return PTR_ERR(loop_pdev);

	loop_ctlr = spi_alloc_host(&loop_pdev->dev, 0);
	if (!loop_ctlr) {
		ret = -ENOMEM;
		goto err_pdev;
	}
	loop_ctlr->bus_num = bus_num;
	loop_ctlr->num_chipselect = 1;
	loop_ctlr->mode_bits = SPI_CPOL | SPI_CPHA | SPI_CS_HIGH | SPI_LSB_FIRST |
			       SPI_3WIRE | SPI_NO_CS;
	loop_ctlr->bits_per_word_mask = SPI_BPW_RANGE_MASK(1, 32);
	loop_ctlr->min_speed_hz = 1000;
	loop_ctlr->max_speed_hz = 50000000;
	loop_ctlr->transfer_one = loop_transfer_one;

	ret = spi_register_controller(loop_ctlr);
	if (ret) {
		spi_controller_put(loop_ctlr);
		goto err_pdev;
	}

	loop_spi = spi_new_device(loop_ctlr, &info);
	if (!loop_spi) {
		ret = -ENODEV;
		goto err_ctlr;
	}
	return 0;

err_ctlr:
	spi_unregister_controller(loop_ctlr);
err_pdev:
	platform_device_unregister(loop_pdev);
	return ret;
}

static void __exit loop_exit(void)
{
	spi_unregister_device(loop_spi);
	spi_unregister_controller(loop_ctlr);
	platform_device_unregister(loop_pdev);
}

module_init(loop_init);
module_exit(loop_exit);
MODULE_DESCRIPTION("Virtual SPI controller that loops MOSI back to MISO, with a spidev device");
MODULE_LICENSE("GPL");
