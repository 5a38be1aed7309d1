"""Qt user interface: the kiosk window, its widgets and the barcode-scanner input."""
