"""``network``: the WiPy's WiFi (``WLAN``) and its telnet and FTP servers (``Server``).

Importing this module touches no hardware and starts no server; ``WLAN()`` reaches the board's
network processor when called, ``Server()`` starts the servers.
"""

from ._server import Server
from ._wlan import WLAN

__all__ = ["WLAN", "Server"]
