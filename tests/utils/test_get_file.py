"""keras.utils.get_file against a 127.0.0.1 server: cache layout, hashes, extraction, failures."""

import hashlib
import io
import json
import os
import pathlib
import socket
import tarfile
import zipfile

import pytest

import featherflow as tf
from tests.datasets import http_server, published_files

PATHS_FIXTURE = (pathlib.Path(__file__).parents[1] / "fixtures" / "keras" / "datasets"
                 / "get_file_paths.json")
PAYLOAD = b"featherflow " * 5000


def tar_bytes(members, links=()):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
        for name, target, kind in links:
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = target
            archive.addfile(info)
    return buffer.getvalue()


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


GOOD_TAR = tar_bytes({"flowers/a.txt": b"a", "flowers/b/c.txt": b"c"})
FILES = {
    "/data/payload.bin": PAYLOAD,
    "/data/flowers.tgz": GOOD_TAR,
    "/data/flowers.zip": zip_bytes({"flowers/a.txt": b"a"}),
    "/data/dotdot.tgz": tar_bytes({"ok.txt": b"ok", "../escaped.txt": b"x"}),
    "/data/absolute.tgz": tar_bytes({"ok.txt": b"ok", "/tmp/absolute-escape.txt": b"x"}),
    "/data/symlink.tgz": tar_bytes({"ok.txt": b"ok"}, [("link", "../../outside", tarfile.SYMTYPE)]),
    "/data/hardlink.tgz": tar_bytes({"ok.txt": b"ok"}, [("hard", "../outside", tarfile.LNKTYPE)]),
    "/data/dotdot.zip": zip_bytes({"ok.txt": b"ok", "../escaped.txt": b"x"}),
    "/data/truncated.bin": PAYLOAD,
    "/data/inner_link.tgz": tar_bytes({"d/real.txt": b"r"}, [("d/alias.txt", "real.txt",
                                                               tarfile.SYMTYPE)]),
}


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    with http_server.serve(FILES) as running:
        running.truncate["/data/truncated.bin"] = 1000
        yield running


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def leftovers(directory):
    return sorted(p.name for p in pathlib.Path(directory).rglob("*") if ".partial" in p.name)


def test_downloads_into_keras_home_with_the_url_file_name(server, tmp_path, capsys):
    path = tf.keras.utils.get_file(origin=f"{server.url}/data/payload.bin")
    assert path == str(tmp_path / "home" / "datasets" / "payload.bin")
    assert pathlib.Path(path).read_bytes() == PAYLOAD
    out = capsys.readouterr().out
    assert f"Downloading data from {server.url}/data/payload.bin" in out
    assert f"{len(PAYLOAD)}/{len(PAYLOAD)} [==============================]" in out
    tf.keras.utils.get_file(origin=f"{server.url}/data/payload.bin")
    assert server.requests["/data/payload.bin"] == 1
    umask = os.umask(0o022)
    os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask


def test_cache_dir_subdir_and_force_download(server, tmp_path):
    # An explicit cache_dir must exist and be writable, else Keras (and featherflow) fall back
    # to /tmp/.keras.
    (tmp_path / "cache").mkdir()
    path = tf.keras.utils.get_file("renamed.bin", f"{server.url}/data/payload.bin",
                                   cache_dir=str(tmp_path / "cache"), cache_subdir="models")
    assert path == str(tmp_path / "cache" / "models" / "renamed.bin")
    absolute = tmp_path / "elsewhere"
    path = tf.keras.utils.get_file("x.bin", f"{server.url}/data/payload.bin",
                                   cache_subdir=str(absolute))
    assert path == str(absolute / "x.bin")
    tf.keras.utils.get_file("x.bin", f"{server.url}/data/payload.bin",
                            cache_subdir=str(absolute), force_download=True)
    assert server.requests["/data/payload.bin"] == 3


def test_sha256_and_md5_hashes_are_checked(server):
    origin = f"{server.url}/data/payload.bin"
    path = tf.keras.utils.get_file("a.bin", origin, file_hash=sha256(PAYLOAD))
    assert os.path.getsize(path) == len(PAYLOAD)
    tf.keras.utils.get_file("b.bin", origin, md5_hash=hashlib.md5(PAYLOAD).hexdigest())
    tf.keras.utils.get_file("c.bin", origin, file_hash=hashlib.md5(PAYLOAD).hexdigest(),
                            hash_algorithm="md5")


def test_stale_cached_file_is_downloaded_again(server, capsys):
    origin = f"{server.url}/data/payload.bin"
    path = tf.keras.utils.get_file("stale.bin", origin)
    pathlib.Path(path).write_bytes(b"half a file")
    tf.keras.utils.get_file("stale.bin", origin, file_hash=sha256(PAYLOAD))
    assert pathlib.Path(path).read_bytes() == PAYLOAD
    assert server.requests["/data/payload.bin"] == 2
    assert "we will re-download the data" in capsys.readouterr().out


def test_hash_mismatch_after_download_is_an_error_and_keeps_nothing(server, tmp_path):
    origin = f"{server.url}/data/payload.bin"
    with pytest.raises(ValueError, match=rf"{origin}.*does not match the provided value of 0+"):
        tf.keras.utils.get_file("bad.bin", origin, file_hash="0" * 64)
    datasets_dir = tmp_path / "home" / "datasets"
    assert not (datasets_dir / "bad.bin").exists()
    assert leftovers(datasets_dir) == []
    (datasets_dir / "bad.bin").write_bytes(b"stale")
    with pytest.raises(ValueError, match="does not match"):
        tf.keras.utils.get_file("bad.bin", origin, file_hash="0" * 64)
    assert not (datasets_dir / "bad.bin").exists()
    assert server.requests["/data/payload.bin"] == 2


def test_partial_download_is_an_error_and_keeps_nothing(server, tmp_path):
    origin = f"{server.url}/data/truncated.bin"
    with pytest.raises(ConnectionError, match=rf"{origin}.*1000 of {len(PAYLOAD)} bytes"):
        tf.keras.utils.get_file("truncated.bin", origin)
    datasets_dir = tmp_path / "home" / "datasets"
    assert list(datasets_dir.iterdir()) == []


def test_unreachable_and_missing_urls_name_the_url(server, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    origin = f"http://127.0.0.1:{closed_port}/nothing.bin"
    with pytest.raises(ConnectionError, match=rf"URL fetch failure on {origin}.*refused"):
        tf.keras.utils.get_file(origin=origin)
    missing = f"{server.url}/data/missing.bin"
    with pytest.raises(ConnectionError, match=rf"URL fetch failure on {missing}: 404"):
        tf.keras.utils.get_file(origin=missing)
    assert list((tmp_path / "home" / "datasets").iterdir()) == []


@pytest.mark.parametrize("fname,origin_path,archive,folder", [
    ("flowers", "/data/flowers.tgz", "flowers_archive", "flowers"),
    ("flowers.tgz", "/data/flowers.tgz", "flowers.tgz", "flowers_extracted"),
    (None, "/data/flowers.tgz", "flowers.tgz_archive", "flowers.tgz"),
    ("zipped", "/data/flowers.zip", "zipped_archive", "zipped"),
])
def test_extract_returns_keras3_folder(server, tmp_path, fname, origin_path, archive, folder):
    path = tf.keras.utils.get_file(fname, f"{server.url}{origin_path}", extract=True)
    datasets_dir = tmp_path / "home" / "datasets"
    assert path == str(datasets_dir / folder)
    assert (datasets_dir / archive).is_file()
    assert (datasets_dir / folder / "flowers" / "a.txt").read_bytes() == b"a"
    umask = os.umask(0o022)
    os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o777 & ~umask


def test_untar_and_archive_format(server, tmp_path):
    path = tf.keras.utils.get_file("old", f"{server.url}/data/flowers.tgz", untar=True)
    assert (pathlib.Path(path) / "flowers" / "b" / "c.txt").read_bytes() == b"c"
    with pytest.warns(UserWarning, match="Could not extract"):
        tf.keras.utils.get_file("notzip", f"{server.url}/data/flowers.tgz", extract=True,
                                archive_format="zip")


@pytest.mark.parametrize("name,entry", [
    ("dotdot.tgz", "../escaped.txt"), ("absolute.tgz", "/tmp/absolute-escape.txt"),
    ("symlink.tgz", "link"), ("hardlink.tgz", "hard"), ("dotdot.zip", "../escaped.txt"),
])
def test_escaping_archive_entries_are_refused(server, tmp_path, name, entry):
    with pytest.raises(ValueError, match=rf"'{entry}' would land outside"):
        tf.keras.utils.get_file("evil", f"{server.url}/data/{name}", extract=True)
    datasets_dir = tmp_path / "home" / "datasets"
    assert not (datasets_dir / "evil").exists()
    assert not (tmp_path / "home" / "escaped.txt").exists()
    assert leftovers(datasets_dir) == []


def test_links_inside_the_folder_are_kept(server):
    path = tf.keras.utils.get_file("linked", f"{server.url}/data/inner_link.tgz", extract=True)
    alias = pathlib.Path(path) / "d" / "alias.txt"
    assert alias.is_symlink() and alias.read_bytes() == b"r"


def test_interrupted_download_keeps_nothing(server, tmp_path, monkeypatch):
    from featherflow.utils import progbar

    def interrupt(self, current, values=None, finalize=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(progbar.Progbar, "update", interrupt)
    with pytest.raises(KeyboardInterrupt):
        tf.keras.utils.get_file("cut.bin", f"{server.url}/data/payload.bin")
    assert list((tmp_path / "home" / "datasets").iterdir()) == []


def test_argument_errors():
    with pytest.raises(ValueError, match="origin"):
        tf.keras.utils.get_file("x.bin")
    with pytest.raises(ValueError, match="cache_dir"):
        tf.keras.utils.get_file(os.path.join("a", "b.bin"), "http://127.0.0.1:9/b.bin")
    with pytest.raises(ValueError, match="fname"):
        tf.keras.utils.get_file(origin="http://127.0.0.1:9/")


def test_returned_paths_equal_keras(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    recorded = json.loads(PATHS_FIXTURE.read_text())
    archive = published_files.published_files()["cifar-10-python.tar.gz"]
    served = {"/data/archive.tar.gz": archive, "/data/plain.bin": b"plain", "/data/pack": archive}
    assert sorted(served) == recorded["served"]
    with http_server.serve(served) as server:
        for case in recorded["cases"]:
            path = tf.keras.utils.get_file(case["fname"], f"{server.url}{case['origin']}",
                                           extract=case["extract"], cache_subdir=case["subdir"])
            assert os.path.relpath(path, tmp_path) == case["relative"], case
