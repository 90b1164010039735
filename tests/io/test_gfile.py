"""tf.io.gfile on local paths, with TF 2.21's results and error classes and messages."""

import pytest

import featherflow as tf

gfile = tf.io.gfile


def test_gfile_text_lines_readline_and_stat(tmp_path):
    path = str(tmp_path / "a.txt")
    with gfile.GFile(path, "w") as file:
        file.write("x\ny\nz")
    assert list(gfile.GFile(path)) == ["x\n", "y\n", "z"]
    assert gfile.GFile(path).readline() == "x\n"
    assert gfile.stat(path).length == 5
    assert isinstance(gfile.GFile(path, "rb").read(), bytes)
    assert gfile.GFile(path).read(1) == "x" and gfile.GFile(path).size() == 5
    with gfile.GFile(str(tmp_path / "b"), "wb") as file:
        file.write("text")  # TF encodes text written to a binary GFile
    assert (tmp_path / "b").read_bytes() == b"text"
    with gfile.Open(path, "a") as file:
        file.write("!")
    assert gfile.GFile(path).read() == "x\ny\nz!"


def test_gfile_directory_functions(tmp_path):
    root = tmp_path / "r"
    gfile.makedirs(str(root / "d" / "e"))
    gfile.mkdir(str(root / "f"))
    (root / "a.txt").write_text("a")
    gfile.copy(str(root / "a.txt"), str(root / "b.txt"))
    assert sorted(gfile.listdir(str(root))) == ["a.txt", "b.txt", "d", "f"]
    assert gfile.glob(str(root / "*.txt")) == [str(root / "a.txt"), str(root / "b.txt")]
    assert gfile.isdir(str(root / "d")) and not gfile.isdir(str(root / "a.txt"))
    assert [entry[0] for entry in gfile.walk(str(root / "d"))] == [str(root / "d"),
                                                                  str(root / "d" / "e")]
    gfile.rename(str(root / "b.txt"), str(root / "c.txt"))
    assert gfile.exists(str(root / "c.txt")) and not gfile.exists(str(root / "b.txt"))
    gfile.remove(str(root / "c.txt"))
    gfile.rmtree(str(root / "d"))
    assert sorted(gfile.listdir(str(root))) == ["a.txt", "f"]


def test_gfile_errors_as_tf(tmp_path):
    with pytest.raises(tf.errors.NotFoundError, match="Could not find directory"):
        gfile.listdir(str(tmp_path / "nodir"))
    with pytest.raises(tf.errors.NotFoundError, match="No such file or directory"):
        gfile.remove(str(tmp_path / "nodir"))
    with pytest.raises(tf.errors.NotFoundError, match="No such file or directory"):
        gfile.mkdir(str(tmp_path / "a" / "b"))
    missing = gfile.GFile(str(tmp_path / "missing"))  # TF opens on first use
    with pytest.raises(tf.errors.NotFoundError, match="No such file or directory"):
        missing.read()
    with pytest.raises(tf.errors.NotFoundError, match="not found"):
        gfile.rmtree(str(tmp_path / "nodir"))
    assert list(gfile.walk(str(tmp_path / "nodir"))) == []
    gfile.mkdir(str(tmp_path))  # an existing folder is fine, as TF
    (tmp_path / "x").write_text("1")
    (tmp_path / "y").write_text("2")
    with pytest.raises(tf.errors.AlreadyExistsError, match="file already exists"):
        gfile.copy(str(tmp_path / "x"), str(tmp_path / "y"))
    with pytest.raises(tf.errors.AlreadyExistsError):
        gfile.rename(str(tmp_path / "x"), str(tmp_path / "y"))
    gfile.copy(str(tmp_path / "x"), str(tmp_path / "y"), overwrite=True)
    assert (tmp_path / "y").read_text() == "1"
