"""`kiosk bench`: measures the door's performance figures (P1-P9) on this machine against their targets."""
