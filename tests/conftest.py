"""Suite-wide setup: Qt offscreen, no proxies from the environment."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests talk to servers on 127.0.0.1 only; a proxy from the environment must not get in between.
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
# Tests never write into the OS keyring of the person running them; keyring tests use an in-memory one.
os.environ["KIOSK_NO_KEYRING"] = "1"
