"""How a loopback test server tells its test the port the kernel gave it (servers bind port 0)."""
import os


def write(path, text):
    """Write by a rename, so a test polling for the file never reads it half written."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def serve(srv, path):
    """Publish srv's port in path, then serve until the process is killed."""
    write(path, str(srv.server_address[1]))
    srv.serve_forever()
