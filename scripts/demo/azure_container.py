#!/usr/bin/env python3
"""Creates a blob container in Azurite, as an administrator would before pointing Litestream at it
(Litestream never creates containers).

  AZURE_STORAGE_KEY=<base64 key> azure_container.py ENDPOINT CONTAINER
ENDPOINT is path-style, http://127.0.0.1:PORT/<account>. The key comes from the environment so that it never
appears in a process list. Authorization: Azure Storage "Shared Key",
Signature = Base64(HMAC-SHA256(Base64Decode(key), StringToSign)). Exits 0 when the container exists afterwards.
"""
import base64
import email.utils
import hashlib
import hmac
import http.client
import os
import sys
import urllib.parse

API_VERSION = "2021-08-06"


def create_container(endpoint, container, key):
    url = urllib.parse.urlsplit(endpoint)
    account = url.path.strip("/")
    path = "/%s/%s" % (account, container)
    headers = {"x-ms-date": email.utils.formatdate(usegmt=True), "x-ms-version": API_VERSION}
    # VERB, eleven empty standard headers (Content-Length 0 signs as empty), x-ms-* headers, resource, query.
    to_sign = "PUT\n" + "\n" * 11 + "".join("%s:%s\n" % h for h in sorted(headers.items()))
    to_sign += "/%s%s\nrestype:container" % (account, path)
    signature = base64.b64encode(hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest()).decode()
    headers["Authorization"] = "SharedKey %s:%s" % (account, signature)
    headers["Content-Length"] = "0"
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection.request("PUT", path + "?restype=container", headers=headers)
    response = connection.getresponse()
    body = response.read().decode(errors="replace")
    if response.status not in (201, 409):  # 409: it exists already
        raise RuntimeError("PUT %s?restype=container: HTTP %d: %s" % (path, response.status, body[:300]))
    return response.status


if __name__ == "__main__":
    if len(sys.argv) != 3 or not os.environ.get("AZURE_STORAGE_KEY"):
        print("usage: AZURE_STORAGE_KEY=... azure_container.py ENDPOINT CONTAINER", file=sys.stderr)
        sys.exit(2)
    try:
        status = create_container(sys.argv[1], sys.argv[2], os.environ["AZURE_STORAGE_KEY"])
    except Exception as e:  # noqa: BLE001 - one line for the demo's log, never the key
        print("azure_container: %s" % e, file=sys.stderr)
        sys.exit(1)
    print("container %s %s" % (sys.argv[2], "created" if status == 201 else "already exists"))
