"""Scenarios for the generator and file sources: from_generator, list_files, TextLineDataset,
FixedLengthRecordDataset, CsvDataset, decode_csv, make_csv_dataset, choose_from_datasets and
sample_from_datasets (featherflow/data/{generator,files,text_line,fixed_length,csv,
csv_batches,sampling}.py).

``setup`` writes every file with plain Python so TensorFlow and featherflow read the same bytes.
"""

import collections
import gzip
import os
import zlib

import numpy as np

_FILES = {
    "lines/a.txt": b"one\ntwo\r\nthree",
    "lines/b.txt": b"\n\nx\n",
    "lines/empty.txt": b"",
    "lines/cr.txt": b"a\rb\r\n\r\nc\n",
    "lines/only_newline.txt": b"\n",
    "lines/utf8.txt": "h\u00e9llo\n\u65e5\u672c\n".encode(),
    "lines/t1.txt": b"a1\na2\na3\na4\na5\n",
    "lines/t2.txt": b"b1\n",
    "lines/t3.txt": b"c1\nc2\nc3\n",
    "lines/t4.txt": b"d1\nd2\n",
    "glob/f2.csv": b"x\n",
    "glob/f1.csv": b"x\n",
    "glob/f10.csv": b"x\n",
    "glob/.hidden.csv": b"x\n",
    "glob/sub.csv/inner": b"x\n",
    "bin/r20.bin": bytes(range(20)),
    "bin/r7.bin": bytes(range(100, 107)),
    "csv/basic.csv": b"a,b,c\n1,2.5,x\n3,,y\n,4,\"q,\"\"z\"\"\"\n",
    "csv/ints.csv": b"1,2\n3,4\n",
    "csv/blank_line.csv": b"1,2\n\n3,4\r\n5,6",
    "csv/crlf.csv": b"1,2\r\n3,4\r\n",
    "csv/cr_only.csv": b"1,2\r3,4\n",
    "csv/one_col.csv": b"1\n\n2\n",
    "csv/multiline.csv": b"1,\"multi\nline\",3\n\"a\r\nb\",5,6\n",
    "csv/spaces.csv": b" 1 , 2.5 ,  s \n",
    "csv/ragged.csv": b"1,2,3\n4,5\n",
    "csv/na.csv": b"NA,1\n2,NA\n",
    "csv/semicolon.csv": b"1;2\n3;4\n",
    "csv/quote_inside.csv": b"a\"b,c\n",
    "csv/quote_then_text.csv": b"\"ab\"c,d\n",
    "csv/numbers.csv": b"1e3,0x10,inf,-INF,nan,1e40\n",
    "csv/big.csv": b"99999999999,2\n",
    "csv/float_in_int.csv": b"1.5,2\n",
    "csv/empty.csv": b"",
    "csv/header_only.csv": b"a,b\n",
    "csv/trailing_comma.csv": b"1,2,\n",
    "csv/bad_records.csv": b"1,2\n3,x\n5,6\n7\n8,9\n\"open,1\n",
    "titanic/part1.csv": (b"name,age,score,label\nann,30,1.5,1\nbob,,2.5,0\ncid,41,3,1\n"
                          b"dee,29,x,0\neve,50,,1\n"),
    "titanic/part2.csv": b"name,age,score,label\nfay,22,0.5,0\ngus,99999999999,1,1\n",
    "titanic/part3.csv": b"name,age,score,label\nhal,1,1,1\nian,2,2,0\njon,3,3,1\n",
    "titanic/other_header.csv": b"x,y\n1,2\n",
    "floats/f.csv": b"u,v\n1,1.5\n2,1e40\n3,2\n",
}


def setup(tf, workdir):
    for name, data in _FILES.items():
        os.makedirs(os.path.dirname(name), exist_ok=True)
        with open(name, "wb") as f:
            f.write(data)
    with open("lines/g.txt.gz", "wb") as f:
        f.write(gzip.compress(b"g1\ng2\n", mtime=0))
    with open("lines/z.txt.z", "wb") as f:
        f.write(zlib.compress(b"z1\nz2"))
    with open("bin/r12.bin.gz", "wb") as f:
        f.write(gzip.compress(bytes(range(12)), mtime=0))
    with open("bin/r12.bin.z", "wb") as f:
        f.write(zlib.compress(bytes(range(12))))
    with open("csv/ints.csv.gz", "wb") as f:
        f.write(gzip.compress(b"1,2\n3,4\n", mtime=0))


def _values(ds, limit=None):
    out = []
    for element in ds.as_numpy_iterator():
        if limit is not None and len(out) >= limit:
            break
        out.append(element)
    return out


def _spec_card(ds):
    return {"spec": ds.element_spec, "card": int(ds.cardinality())}


def _decode_csv(tf):
    decode = getattr(tf.io, "decode_csv", None)
    if decode is None:  # until featherflow exports it as tf.io.decode_csv
        from featherflow.data.csv import decode_csv as decode
    return decode


# -- generators -------------------------------------------------------------------------------

def _pairs():
    for i in range(3):
        yield i, [float(i)] * i


def _mixed_numbers():
    yield 1
    yield 2.7
    yield np.float64(-3.5)
    yield True


def _big_ints():
    yield 2 ** 40
    yield -1


def _strings():
    yield "a"
    yield b"b"
    yield np.str_("c")
    yield ["d", b"e"]


def _wrong_shape():
    yield 1
    yield [1, 2]


def _raises(exc):
    def gen():
        yield 1
        raise exc
    return gen


def _with_args(a, b, c):
    yield type(a).__name__, type(b).__name__, type(c).__name__
    yield str(a), b, str(c.tolist())


def _counting():
    _counting.calls += 1
    yield _counting.calls


_counting.calls = 0

def _op_error(tf):
    if tf.__name__ == "tensorflow":
        return tf.errors.InvalidArgumentError(None, None, "inner")
    return tf.errors.InvalidArgumentError("inner")


_Point = collections.namedtuple("Point", ["x", "y"])


def _gen(tf, fn, **kwargs):
    return tf.data.Dataset.from_generator(fn, **kwargs)


def _spec(tf, shape, dtype):
    return tf.TensorSpec(shape, dtype)


def _repeat_calls(tf):
    _counting.calls = 0
    ds = _gen(tf, _counting, output_signature=_spec(tf, (), tf.int64))
    return [_values(ds.repeat(3)), _values(ds)]


GENERATOR = {
    "gen_signature": lambda tf: [_values(_gen(tf, _pairs, output_signature=(
        _spec(tf, (), tf.int64), _spec(tf, (None,), tf.float32)))), _spec_card(_gen(
            tf, _pairs, output_signature=(_spec(tf, (), tf.int64),
                                          _spec(tf, (None,), tf.float32))))],
    "gen_types_only": lambda tf: [_values(_gen(tf, _pairs, output_types=(tf.int32, tf.float64))),
                                  _spec_card(_gen(tf, _pairs,
                                                  output_types=(tf.int32, tf.float64)))],
    "gen_types_shapes": lambda tf: _spec_card(_gen(tf, _pairs, output_types=(
        tf.int32, tf.float32), output_shapes=((), (None,)))),
    "gen_shapes_partly_unknown": lambda tf: _spec_card(_gen(tf, _pairs, output_types=(
        tf.int32, tf.float32), output_shapes=((), None))),
    "gen_unknown_batched": lambda tf: [_values(_gen(tf, _pairs, output_types=(
        tf.int64, tf.float32)).take(2).batch(1)), _gen(tf, _pairs, output_types=(
            tf.int64, tf.float32)).batch(2).element_spec],
    "gen_convert_float": lambda tf: _values(_gen(tf, _mixed_numbers, output_signature=_spec(
        tf, (), tf.float32))),
    "gen_convert_int": lambda tf: _values(_gen(tf, _mixed_numbers, output_signature=_spec(
        tf, (), tf.int64))),
    "gen_convert_bool": lambda tf: _values(_gen(tf, _mixed_numbers, output_signature=_spec(
        tf, (), tf.bool))),
    "gen_wraparound": lambda tf: [_values(_gen(tf, _big_ints, output_signature=_spec(
        tf, (), tf.int32))), _values(_gen(tf, _big_ints, output_signature=_spec(
            tf, (), tf.uint8)))],
    "gen_strings": lambda tf: _values(_gen(tf, _strings, output_signature=_spec(
        tf, None, tf.string))),
    "gen_int_to_string": lambda tf: _values(_gen(tf, lambda: iter([1]), output_signature=_spec(
        tf, (), tf.string))),
    "gen_str_to_int": lambda tf: _values(_gen(tf, lambda: iter(["a"]), output_signature=_spec(
        tf, (), tf.int64))),
    "gen_none": lambda tf: _values(_gen(tf, lambda: iter([None]), output_signature=_spec(
        tf, (), tf.int32))),
    "gen_wrong_shape": lambda tf: _values(_gen(tf, _wrong_shape, output_signature=_spec(
        tf, (), tf.int64))),
    "gen_wrong_rank": lambda tf: _values(_gen(tf, lambda: iter([[1, 2], [[3, 4]]]),
                                              output_signature=_spec(tf, (None,), tf.int64))),
    "gen_wrong_shape_old_form": lambda tf: _values(_gen(
        tf, lambda: iter([np.zeros((2, 2))]), output_types=tf.float32, output_shapes=(2,))),
    "gen_prefix_before_error": lambda tf: _values(_gen(tf, _wrong_shape, output_signature=_spec(
        tf, (), tf.int64)).take(1)),
    "gen_structure_tuple_for_leaf": lambda tf: _values(_gen(
        tf, lambda: iter([(1, 2)]), output_signature=(_spec(tf, (), tf.int64),) * 3)),
    "gen_structure_leaf_for_tuple": lambda tf: _values(_gen(
        tf, lambda: iter([1]), output_signature=(_spec(tf, (), tf.int64),) * 2)),
    "gen_structure_list_for_tuple": lambda tf: _values(_gen(
        tf, lambda: iter([[1, 2]]), output_signature=(_spec(tf, (), tf.int32),) * 2)),
    "gen_structure_namedtuple": lambda tf: [_values(_gen(
        tf, lambda: iter([_Point(1, 2)]), output_signature=_Point(
            _spec(tf, (), tf.int64), _spec(tf, (), tf.int64)))), _gen(
        tf, lambda: iter([_Point(1, 2)]), output_signature=_Point(
            _spec(tf, (), tf.int64), _spec(tf, (), tf.int64))).element_spec],
    "gen_structure_tuple_for_namedtuple": lambda tf: _values(_gen(
        tf, lambda: iter([(1, 2)]), output_signature=_Point(
            _spec(tf, (), tf.int64), _spec(tf, (), tf.int64)))),
    "gen_structure_namedtuple_for_tuple": lambda tf: _values(_gen(
        tf, lambda: iter([_Point(1, 2)]), output_signature=(_spec(tf, (), tf.int64),) * 2)),
    "gen_dict": lambda tf: [_values(_gen(tf, lambda: iter([{"b": "x", "a": 1}]), output_types={
        "a": tf.int32, "b": tf.string})), _gen(tf, lambda: iter([{"a": 1}]), output_types={
            "a": tf.int32, "b": tf.string}).element_spec],
    "gen_dict_missing_key": lambda tf: _values(_gen(tf, lambda: iter([{"a": 1}]), output_types={
        "a": tf.int32, "b": tf.string})),
    "gen_dict_extra_key": lambda tf: _values(_gen(
        tf, lambda: iter([{"a": 1, "b": 2, "c": 3}]), output_signature={
            "a": _spec(tf, (), tf.int64), "b": _spec(tf, (), tf.int64)})),
    "gen_args": lambda tf: _values(_gen(tf, _with_args, args=(3, "x", [1.5, 2.0]),
                                        output_signature=(_spec(tf, (), tf.string),) * 3)),
    "gen_args_not_sequence": lambda tf: _gen(tf, _with_args, args=3,
                                             output_signature=_spec(tf, (), tf.int32)),
    "gen_called_each_pass": _repeat_calls,
    "gen_returns_list": lambda tf: _values(_gen(tf, lambda: [1, 2, 3], output_signature=_spec(
        tf, (), tf.int64))),
    "gen_not_iterable": lambda tf: _values(_gen(tf, lambda: 5, output_signature=_spec(
        tf, (), tf.int64))),
    "gen_infinite_take": lambda tf: _values(_gen(tf, lambda: iter(int, 1), output_signature=_spec(
        tf, (), tf.int64)).take(3)),
    "gen_raise_value_error": lambda tf: _values(_gen(tf, _raises(ValueError("boom")),
                                                     output_signature=_spec(tf, (), tf.int64))),
    "gen_raise_type_error": lambda tf: _values(_gen(tf, _raises(TypeError("t")),
                                                    output_signature=_spec(tf, (), tf.int64))),
    "gen_raise_key_error": lambda tf: _values(_gen(tf, _raises(KeyError("k")),
                                                   output_signature=_spec(tf, (), tf.int64))),
    "gen_raise_zero_division": lambda tf: _values(_gen(tf, _raises(ZeroDivisionError("z")),
                                                       output_signature=_spec(tf, (), tf.int64))),
    "gen_raise_not_implemented": lambda tf: _values(_gen(
        tf, _raises(NotImplementedError("n")), output_signature=_spec(tf, (), tf.int64))),
    "gen_raise_memory": lambda tf: _values(_gen(tf, _raises(MemoryError("m")),
                                                output_signature=_spec(tf, (), tf.int64))),
    "gen_raise_stop_iteration": lambda tf: _values(_gen(tf, _raises(StopIteration()),
                                                        output_signature=_spec(tf, (), tf.int64))),
    "gen_raise_unicode": lambda tf: _values(_gen(
        tf, _raises(UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad")),
        output_signature=_spec(tf, (), tf.int64))),
    "gen_raise_op_error": lambda tf: _values(_gen(tf, _raises(_op_error(tf)),
                                                  output_signature=_spec(tf, (), tf.int64))),
    "gen_call_raises": lambda tf: _values(_gen(tf, lambda: 1 / 0, output_signature=_spec(
        tf, (), tf.int64))),
    "gen_no_types": lambda tf: _gen(tf, _pairs),
    "gen_shapes_without_types": lambda tf: _gen(tf, _pairs, output_shapes=()),
    "gen_types_and_signature": lambda tf: _gen(tf, _pairs, output_types=tf.int32,
                                               output_signature=_spec(tf, (), tf.int32)),
    "gen_shapes_and_signature": lambda tf: _gen(tf, _pairs, output_shapes=(),
                                                output_signature=_spec(tf, (), tf.int32)),
    "gen_signature_not_spec": lambda tf: _gen(tf, _pairs, output_signature=tf.int32),
    "gen_signature_list": lambda tf: _gen(tf, _pairs, output_signature=[
        _spec(tf, (), tf.int32)] * 2),
    "gen_types_list": lambda tf: _gen(tf, _pairs, output_types=[tf.int32, tf.int32]),
    "gen_not_callable": lambda tf: _gen(tf, [1, 2], output_types=tf.int32),
    "gen_map_batch": lambda tf: _values(_gen(tf, lambda: iter(range(5)), output_signature=_spec(
        tf, (), tf.int64)).map(lambda x: x * 2).batch(2)),
}

# -- list_files -------------------------------------------------------------------------------

LIST_FILES = {
    "lf_sorted": lambda tf: _values(tf.data.Dataset.list_files("glob/*.csv", shuffle=False)),
    "lf_spec": lambda tf: _spec_card(tf.data.Dataset.list_files("glob/*.csv")),
    "lf_no_dir_prefix": lambda tf: _values(tf.data.Dataset.list_files("lines/t*.txt",
                                                                      shuffle=False)),
    "lf_dot_prefix": lambda tf: _values(tf.data.Dataset.list_files("*", shuffle=False)),
    "lf_wild_dir": lambda tf: _values(tf.data.Dataset.list_files("gl*/f1.csv", shuffle=False)),
    "lf_dotslash": lambda tf: _values(tf.data.Dataset.list_files("./glob/f?.csv",
                                                                 shuffle=False)),
    "lf_brackets": lambda tf: _values(tf.data.Dataset.list_files("glob/f[12].csv",
                                                                 shuffle=False)),
    "lf_list": lambda tf: _values(tf.data.Dataset.list_files(
        ["glob/f1*.csv", "lines/t*.txt", "glob/f1.csv"], shuffle=False)),
    "lf_literal": lambda tf: _values(tf.data.Dataset.list_files("glob/f2.csv", shuffle=False)),
    "lf_bytes": lambda tf: _values(tf.data.Dataset.list_files(b"lines/t*.txt", shuffle=False)),
    "lf_no_match": lambda tf: tf.data.Dataset.list_files("nothing/*.csv"),
    "lf_no_match_list": lambda tf: tf.data.Dataset.list_files(["zz*", "yy*"]),
    "lf_empty_list": lambda tf: tf.data.Dataset.list_files([]),
    "lf_seed": lambda tf: _values(tf.data.Dataset.list_files("lines/t*.txt", seed=7)),
    "lf_seed_repeat": lambda tf: _values(tf.data.Dataset.list_files("lines/t*.txt",
                                                                    seed=7).repeat(3)),
    "lf_seed_10": lambda tf: _values(tf.data.Dataset.list_files("*/*", seed=10)),
}

# -- TextLineDataset and FixedLengthRecordDataset ---------------------------------------------

def _lines(tf, *args, **kwargs):
    return _values(tf.data.TextLineDataset(*args, **kwargs))


_TEXT = ["lines/t1.txt", "lines/t2.txt", "lines/t3.txt", "lines/t4.txt"]

TEXT = {
    "tl_no_trailing_newline": lambda tf: _lines(tf, "lines/a.txt"),
    "tl_empty_lines": lambda tf: _lines(tf, "lines/b.txt"),
    "tl_empty_file": lambda tf: _lines(tf, "lines/empty.txt"),
    "tl_carriage_returns": lambda tf: _lines(tf, "lines/cr.txt"),
    "tl_only_newline": lambda tf: _lines(tf, "lines/only_newline.txt"),
    "tl_utf8": lambda tf: _lines(tf, "lines/utf8.txt"),
    "tl_list": lambda tf: _lines(tf, ["lines/a.txt", "lines/b.txt", "lines/empty.txt"]),
    "tl_gzip": lambda tf: _lines(tf, "lines/g.txt.gz", compression_type="GZIP"),
    "tl_zlib": lambda tf: _lines(tf, "lines/z.txt.z", compression_type="ZLIB"),
    "tl_gzip_read_plain": lambda tf: _lines(tf, "lines/g.txt.gz"),
    "tl_plain_read_gzip": lambda tf: _lines(tf, "lines/a.txt", compression_type="GZIP"),
    "tl_bad_compression": lambda tf: _lines(tf, "lines/a.txt", compression_type="BZ2"),
    "tl_missing": lambda tf: _lines(tf, "lines/missing.txt"),
    "tl_spec": lambda tf: _spec_card(tf.data.TextLineDataset("lines/a.txt")),
    "tl_dataset_of_names": lambda tf: _lines(tf, tf.data.Dataset.from_tensor_slices(
        ["lines/a.txt", "lines/t2.txt"])),
    "tl_list_files": lambda tf: _lines(tf, tf.data.Dataset.list_files("lines/t*.txt",
                                                                      shuffle=False)),
    "tl_parallel_2": lambda tf: _lines(tf, _TEXT, num_parallel_reads=2),
    "tl_parallel_3": lambda tf: _lines(tf, _TEXT, num_parallel_reads=3),
    "tl_parallel_autotune": lambda tf: _lines(tf, _TEXT, num_parallel_reads=tf.data.AUTOTUNE),
    "tl_parallel_empty_file": lambda tf: _lines(tf, ["lines/t2.txt", "lines/empty.txt",
                                                     "lines/t4.txt"], num_parallel_reads=2),
    "tl_interleave_list_files": lambda tf: _values(tf.data.Dataset.list_files(
        "lines/t*.txt", shuffle=False).interleave(tf.data.TextLineDataset, cycle_length=2)),
    "tl_flat_map_skip_header": lambda tf: _values(tf.data.Dataset.list_files(
        "lines/t*.txt", shuffle=False).flat_map(
            lambda f: tf.data.TextLineDataset(f).skip(1))),
    "tl_int_names": lambda tf: _lines(tf, 3),
    "tl_int_dataset": lambda tf: _lines(tf, tf.data.Dataset.range(3)),
    "tl_empty_list": lambda tf: _lines(tf, []),
    "tl_buffer_size": lambda tf: _lines(tf, "lines/a.txt", buffer_size=1),
    "tl_skip_batch": lambda tf: _values(tf.data.TextLineDataset("lines/t1.txt").skip(1).batch(3)),
}


def _records(tf, *args, **kwargs):
    return _values(tf.data.FixedLengthRecordDataset(*args, **kwargs))


FIXED = {
    "fl_basic": lambda tf: _records(tf, "bin/r20.bin", 4),
    "fl_header_footer": lambda tf: _records(tf, "bin/r20.bin", 4, header_bytes=1,
                                            footer_bytes=3),
    "fl_not_multiple": lambda tf: _records(tf, "bin/r20.bin", 6),
    "fl_two_files": lambda tf: _records(tf, ["bin/r7.bin", "bin/r7.bin"], 7),
    "fl_record_longer_than_file": lambda tf: _records(tf, "bin/r7.bin", 10),
    "fl_gzip": lambda tf: _records(tf, "bin/r12.bin.gz", 3, header_bytes=1, footer_bytes=2,
                                   compression_type="GZIP"),
    "fl_gzip_not_multiple": lambda tf: _records(tf, "bin/r12.bin.gz", 5,
                                                compression_type="GZIP"),
    "fl_zlib": lambda tf: _records(tf, "bin/r12.bin.z", 4, compression_type="ZLIB"),
    "fl_zero": lambda tf: _records(tf, "bin/r20.bin", 0),
    "fl_spec": lambda tf: _spec_card(tf.data.FixedLengthRecordDataset("bin/r20.bin", 4)),
    "fl_parallel": lambda tf: _records(tf, ["bin/r20.bin", "bin/r7.bin"], 1,
                                       num_parallel_reads=2),
    "fl_dataset_of_names": lambda tf: _records(tf, tf.data.Dataset.from_tensor_slices(
        ["bin/r7.bin", "bin/r7.bin"]), 7),
    "fl_header_too_long": lambda tf: _records(tf, "bin/r7.bin", 2, header_bytes=10),
    "fl_missing": lambda tf: _records(tf, "bin/missing.bin", 2),
}

# -- CSV ------------------------------------------------------------------------------------------

def _csv(tf, *args, **kwargs):
    return _values(tf.data.experimental.CsvDataset(*args, **kwargs))


CSV = {
    "csv_optional": lambda tf: _csv(tf, "csv/basic.csv", [-1, 0.0, "def"], header=True),
    "csv_required_missing": lambda tf: _csv(tf, "csv/basic.csv", [tf.int32, 0.0, "d"],
                                            header=True),
    "csv_spec": lambda tf: _spec_card(tf.data.experimental.CsvDataset(
        "csv/basic.csv", [tf.int32, [0.0], ["s"]])),
    "csv_dtypes": lambda tf: [_csv(tf, "csv/ints.csv", [tf.int64, tf.float64]),
                              _csv(tf, "csv/ints.csv", [tf.string, ""])],
    "csv_python_defaults": lambda tf: [_csv(tf, "csv/ints.csv", [0, 0.0]),
                                       _csv(tf, "csv/ints.csv", [[0], [0.0]])],
    "csv_blank_line": lambda tf: _csv(tf, "csv/blank_line.csv", [0, 0]),
    "csv_crlf": lambda tf: _csv(tf, "csv/crlf.csv", [0, 0]),
    "csv_cr_only": lambda tf: _csv(tf, "csv/cr_only.csv", ["", ""]),
    "csv_one_column_blank": lambda tf: _csv(tf, "csv/one_col.csv", [-1]),
    "csv_multiline_quotes": lambda tf: _csv(tf, "csv/multiline.csv", ["", "", 0]),
    "csv_spaces": lambda tf: _csv(tf, "csv/spaces.csv", [tf.int32, tf.float32, tf.string]),
    "csv_too_few": lambda tf: _csv(tf, "csv/ragged.csv", [0, 0, 0]),
    "csv_too_many": lambda tf: _csv(tf, "csv/ragged.csv", [0, 0]),
    "csv_na": lambda tf: _csv(tf, "csv/na.csv", [[-1], [-2]], na_value="NA"),
    "csv_na_required": lambda tf: _csv(tf, "csv/na.csv", [tf.int32, tf.int32], na_value="NA"),
    "csv_delim": lambda tf: _csv(tf, "csv/semicolon.csv", [0, 0], field_delim=";"),
    "csv_delim_two_chars": lambda tf: _csv(tf, "csv/semicolon.csv", [0, 0], field_delim=";;"),
    "csv_quote_inside": lambda tf: _csv(tf, "csv/quote_inside.csv", ["", ""]),
    "csv_quote_inside_no_quoting": lambda tf: _csv(tf, "csv/quote_inside.csv", ["", ""],
                                                   use_quote_delim=False),
    "csv_quote_then_text": lambda tf: _csv(tf, "csv/quote_then_text.csv", ["", ""]),
    "csv_no_quoting_splits": lambda tf: _csv(tf, "csv/basic.csv", ["", "", ""],
                                             use_quote_delim=False, header=True),
    "csv_numbers": lambda tf: [_csv(tf, "csv/numbers.csv", [0.0] * 6),
                               _csv(tf, "csv/numbers.csv", [np.float64(0)] * 6)],
    "csv_hex_int": lambda tf: _csv(tf, "csv/numbers.csv", [0.0, 0, 0.0, 0.0, 0.0, 0.0]),
    "csv_int32_overflow": lambda tf: _csv(tf, "csv/big.csv", [0, 0]),
    "csv_int64": lambda tf: _csv(tf, "csv/big.csv", [tf.int64, 0]),
    "csv_float_in_int": lambda tf: _csv(tf, "csv/float_in_int.csv", [0, 0]),
    "csv_empty_file": lambda tf: _csv(tf, "csv/empty.csv", [0, 0]),
    "csv_header_only": lambda tf: _csv(tf, "csv/header_only.csv", [0, 0], header=True),
    "csv_trailing_comma": lambda tf: [_csv(tf, "csv/trailing_comma.csv", [0, 0, -1]),
                                      _csv(tf, "csv/trailing_comma.csv", [0, 0, [7]])],
    "csv_defaults_read_as_dtypes": lambda tf: [
        _spec_card(tf.data.experimental.CsvDataset("csv/ints.csv", [1, 7])),
        _csv(tf, "csv/ints.csv", [3, 9.0]), _csv(tf, "csv/ints.csv", [True, "int64"])],
    "csv_default_seven_is_required": lambda tf: _csv(tf, "csv/trailing_comma.csv", [0, 0, 7]),
    "csv_trailing_comma_required": lambda tf: _csv(tf, "csv/trailing_comma.csv",
                                                   [0, 0, tf.int32]),
    "csv_gzip": lambda tf: _csv(tf, "csv/ints.csv.gz", [0, 0], compression_type="GZIP"),
    "csv_select": lambda tf: _csv(tf, "csv/basic.csv", [0.0, "d"], select_cols=[1, 2],
                                  header=True),
    "csv_select_unsorted": lambda tf: _csv(tf, "csv/basic.csv", [0.0, "d"],
                                           select_cols=[2, 1], header=True),
    "csv_select_length": lambda tf: _csv(tf, "csv/basic.csv", [0.0], select_cols=[1, 2]),
    "csv_select_out_of_range": lambda tf: _csv(tf, "csv/basic.csv", [0.0, 0],
                                               select_cols=[1, 5], header=True),
    "csv_exclude": lambda tf: _csv(tf, "csv/basic.csv", [0, 0.0], exclude_cols=[2],
                                   header=True),
    "csv_exclude_length": lambda tf: _csv(tf, "csv/basic.csv", [0], exclude_cols=[2],
                                          header=True),
    "csv_select_and_exclude": lambda tf: _csv(tf, "csv/basic.csv", [0], select_cols=[0],
                                              exclude_cols=[2]),
    "csv_two_files_header": lambda tf: _csv(tf, ["csv/basic.csv", "csv/basic.csv"],
                                            [0, 0.0, ""], header=True),
    "csv_missing_file": lambda tf: _csv(tf, "csv/missing.csv", [0]),
    "csv_default_vector": lambda tf: _csv(tf, "csv/ints.csv", [[0, 1], 0]),
    "csv_bad_dtype": lambda tf: _csv(tf, "csv/ints.csv", [tf.bool, 0]),
    "csv_dataset_of_names": lambda tf: _csv(tf, tf.data.Dataset.from_tensor_slices(
        ["csv/ints.csv"]), [0, 0]),
    "csv_ignore_errors": lambda tf: _values(tf.data.experimental.CsvDataset(
        ["csv/bad_records.csv", "csv/ints.csv"], [0, 0]).ignore_errors()),
    "csv_batch": lambda tf: [_values(tf.data.experimental.CsvDataset(
        "csv/basic.csv", [-1, 0.0, "d"], header=True).batch(2)), _values(
        tf.data.experimental.CsvDataset("csv/numbers.csv", [0.0] * 6).batch(
            1, drop_remainder=True)), _values(tf.data.experimental.CsvDataset(
                "csv/basic.csv", [-1, 0.0, "d"], header=True).batch(2, drop_remainder=True)),
        tf.data.experimental.CsvDataset("csv/basic.csv", [-1, 0.0, "d"]).batch(
            2).element_spec],
    "csv_batch_error": lambda tf: _values(tf.data.experimental.CsvDataset(
        "csv/ragged.csv", [0, 0, 0]).batch(4)),
    "csv_interleave": lambda tf: _values(tf.data.Dataset.list_files(
        "titanic/part*.csv", shuffle=False).interleave(
            lambda f: tf.data.experimental.CsvDataset(f, ["", "", "", 0], header=True,
                                                      select_cols=[0, 1, 2, 3]),
            cycle_length=3, block_length=2)),
    "csv_map_batch": lambda tf: _values(tf.data.experimental.CsvDataset(
        "csv/ints.csv", [0, 0.0]).map(lambda a, b: (a * 2, b)).batch(2)),
}


def _dc(tf, *args, **kwargs):
    return _decode_csv(tf)(*args, **kwargs)


_INT_TEXTS = ["1", "+1", "-0", "01", "1_000", " 7 ", "1 2", "2147483647", "2147483648",
              "-2147483648", " "]
_FLOAT_TEXTS = ["1.", ".5", "1e", "1e5", "inf", "Infinity", "-INF", "nan", "+nan", "1_0",
                "0x1p3", "0X10", " 2.5 ", "1e-50", "3.4028236e38", "1.5f", "nan(1)", "--1", "."]

DECODE = {
    "dc_basic": lambda tf: _dc(tf, ["1,a,2.5", "3,b,"], [[0], ["x"], [1.0]]),
    "dc_2d": lambda tf: _dc(tf, [["1,2"], ["3,4"]], [[0], [0]]),
    "dc_scalar": lambda tf: _dc(tf, "1,2", [[0], [0]]),
    "dc_empty_records": lambda tf: _dc(tf, np.array([], dtype=object), [[0], [0.0]]),
    "dc_required": lambda tf: _dc(tf, ["1,"], [[0], np.array([], np.int32)]),
    "dc_dtype_default": lambda tf: _dc(tf, ["1,2"], [tf.int32, tf.int64]),
    "dc_select": lambda tf: _dc(tf, ["1,2,3"], [[0], [0]], select_cols=[0, 2]),
    "dc_select_unsorted": lambda tf: _dc(tf, ["1,2,3"], [[0], [0]], select_cols=[2, 0]),
    "dc_na": lambda tf: _dc(tf, ["NA,2"], [[9], [0]], na_value="NA"),
    "dc_quotes": lambda tf: [_dc(tf, ['"a,b",c'], [[""], [""]]),
                             _dc(tf, ['"a""b",c'], [[""], [""]]),
                             _dc(tf, ['"a",c'], [[""], [""]], use_quote_delim=False),
                             _dc(tf, ['"",2'], [[5], [0]])],
    "dc_too_few": lambda tf: _dc(tf, ["1"], [[0], [0]]),
    "dc_too_many": lambda tf: _dc(tf, ["1,2,3"], [[0], [0]]),
    "dc_newline": lambda tf: _dc(tf, ["1,a\n"], [[0], [""]]),
    "dc_empty_string": lambda tf: _dc(tf, [""], [["d"]]),
    "dc_unterminated_quote": lambda tf: _dc(tf, ['"ab'], [[""]]),
    "dc_quote_then_text": lambda tf: _dc(tf, ['"ab"c,d'], [[""], [""]]),
    "dc_quote_in_unquoted": lambda tf: _dc(tf, ['a"b,d'], [[""], [""]]),
    "dc_tab": lambda tf: _dc(tf, ["1\t2"], [[0], [0]], field_delim="\t"),
    "dc_default_dtypes": lambda tf: [t.dtype for t in _dc(tf, ["1,2,3"], [
        np.array([0.0]), np.array([0]), 0])],
    "dc_two_defaults": lambda tf: _dc(tf, ["1,2"], [[0, 1], [0]]),
    "dc_returns_list": lambda tf: type(_dc(tf, ["1,2"], [[0], [0.0]])).__name__,
}
for _text in _INT_TEXTS:
    DECODE[f"dc_int32 {_text!r}"] = lambda tf, t=_text: _dc(tf, [t], [[0]])
for _text in _FLOAT_TEXTS:
    DECODE[f"dc_float32 {_text!r}"] = lambda tf, t=_text: _dc(tf, [t], [[0.0]])
for _text in ["1e-400", "1e400", "0x10", "9223372036854775807"]:
    DECODE[f"dc_float64 {_text!r}"] = lambda tf, t=_text: _dc(tf, [t], [np.zeros(1)])
for _text in ["9223372036854775807", "9223372036854775808", " -5"]:
    DECODE[f"dc_int64 {_text!r}"] = lambda tf, t=_text: _dc(tf, [t], [np.zeros(1, np.int64)])


def _make(tf, *args, **kwargs):
    return tf.data.experimental.make_csv_dataset(*args, **kwargs)


def _keys(ds):
    element = next(iter(ds.as_numpy_iterator()))
    features = element[0] if isinstance(element, tuple) else element
    return list(features.keys())


MAKE_CSV = {
    "mk_basic": lambda tf: _values(_make(tf, "titanic/part1.csv", 2, num_epochs=1,
                                         shuffle=False)),
    "mk_spec_one_epoch": lambda tf: _make(tf, "titanic/part1.csv", 2, num_epochs=1,
                                          shuffle=False).element_spec,
    "mk_spec_forever": lambda tf: _make(tf, "titanic/part1.csv", 2, shuffle=False).element_spec,
    "mk_cardinality": lambda tf: [int(_make(tf, "titanic/part3.csv", 2, shuffle=False)
                                      .cardinality()),
                                  int(_make(tf, "titanic/part3.csv", 2, num_epochs=1,
                                            shuffle=False).cardinality())],
    "mk_label": lambda tf: _values(_make(tf, "titanic/part1.csv", 3, label_name="label",
                                         num_epochs=1, shuffle=False)),
    "mk_key_order": lambda tf: [_keys(_make(tf, "titanic/part1.csv", 3, label_name="age",
                                            num_epochs=1, shuffle=False)),
                                _keys(_make(tf, "titanic/part1.csv", 3, num_epochs=1,
                                            shuffle=False))],
    "mk_inference_files": lambda tf: _values(_make(tf, "titanic/part*.csv", 4, num_epochs=1,
                                                   shuffle=False)),
    "mk_inference_rows": lambda tf: _make(tf, "titanic/part*.csv", 4, num_epochs=1,
                                          shuffle=False, num_rows_for_inference=3).element_spec,
    "mk_inference_float64": lambda tf: _values(_make(tf, "floats/f.csv", 3, num_epochs=1,
                                                     shuffle=False)),
    "mk_parallel_reads": lambda tf: _values(_make(tf, "titanic/part*.csv", 4, num_epochs=1,
                                                  shuffle=False, num_parallel_reads=2)),
    "mk_parallel_autotune": lambda tf: _values(_make(
        tf, "titanic/part*.csv", 4, num_epochs=1, shuffle=False, select_columns=["name"],
        num_parallel_reads=tf.data.AUTOTUNE)),
    "mk_select_columns": lambda tf: _values(_make(tf, "titanic/part3.csv", 2, num_epochs=1,
                                                  shuffle=False,
                                                  select_columns=["label", "name"])),
    "mk_select_index": lambda tf: _values(_make(tf, "titanic/part3.csv", 2, num_epochs=1,
                                                shuffle=False, select_columns=[1, 0])),
    "mk_column_defaults": lambda tf: _values(_make(tf, "titanic/part3.csv", 2, num_epochs=1,
                                                   shuffle=False, column_defaults=[
                                                       tf.string, 0, 0.0, 0])),
    "mk_column_names": lambda tf: _values(_make(tf, "titanic/part3.csv", 2, num_epochs=1,
                                                shuffle=False,
                                                column_names=["a", "b", "c", "d"])),
    "mk_no_header": lambda tf: _values(_make(tf, "titanic/part3.csv", 2, num_epochs=1,
                                             shuffle=False, header=False,
                                             column_names=["a", "b", "c", "d"])),
    "mk_forever": lambda tf: _values(_make(tf, "titanic/part3.csv", 2, shuffle=False), 4),
    "mk_two_epochs": lambda tf: _values(_make(tf, "titanic/part3.csv", 2, num_epochs=2,
                                              shuffle=False)),
    "mk_shuffle_seed": lambda tf: _values(_make(tf, "titanic/part*.csv", 3, num_epochs=1,
                                                shuffle_seed=7)),
    "mk_shuffle_small_buffer": lambda tf: _values(_make(
        tf, "titanic/part*.csv", 3, num_epochs=2, shuffle_seed=3, shuffle_buffer_size=2)),
    "mk_ignore_errors": lambda tf: _values(_make(tf, "titanic/part1.csv", 2, num_epochs=1,
                                                 shuffle=False, ignore_errors=True,
                                                 column_defaults=["", 0, 0.0, 0])),
    "mk_bad_record": lambda tf: _values(_make(tf, "titanic/part1.csv", 2, num_epochs=1,
                                              shuffle=False, column_defaults=["", 0, 0.0, 0])),
    "mk_bad_label": lambda tf: _make(tf, "titanic/part3.csv", 2, label_name="zz"),
    "mk_no_match": lambda tf: _make(tf, "titanic/zz*.csv", 2),
    "mk_no_names": lambda tf: _make(tf, "titanic/part3.csv", 2, header=False),
    "mk_headers_differ": lambda tf: _make(tf, ["titanic/part3.csv", "titanic/other_header.csv"],
                                          2),
    "mk_duplicate_names": lambda tf: _make(tf, "titanic/part3.csv", 2,
                                           column_names=["a", "a", "b", "c"]),
    "mk_defaults_select_length": lambda tf: _make(tf, "titanic/part3.csv", 2,
                                                  select_columns=[0], column_defaults=[0, 0]),
    "mk_empty_pattern_list": lambda tf: _make(tf, [], 2),
}

# -- choose_from_datasets and sample_from_datasets -------------------------------------------

def _choices(tf, values):
    return tf.data.Dataset.from_tensor_slices(np.array(values, dtype=np.int64))


def _abc(tf):
    return [tf.data.Dataset.range(0, 3), tf.data.Dataset.range(10, 15),
            tf.data.Dataset.range(100, 101)]


def _sample(tf, datasets, **kwargs):
    return tf.data.Dataset.sample_from_datasets(datasets, **kwargs)


def _two(tf, n=10):
    return [tf.data.Dataset.range(0, n), tf.data.Dataset.range(100, 100 + n)]


def _seeded_global(tf, seed, **kwargs):
    tf.random.set_seed(seed)
    try:
        return [_values(_sample(tf, _two(tf, 5), **kwargs)),
                _values(_sample(tf, _two(tf, 5), **kwargs))]
    finally:
        tf.random.set_seed(None)


def _two_passes(tf, **kwargs):
    ds = _sample(tf, _two(tf, 5), **kwargs)
    return [_values(ds), _values(ds)]


SAMPLING = {
    "choose_order": lambda tf: _values(tf.data.Dataset.choose_from_datasets(
        _abc(tf), _choices(tf, [0, 1, 2, 1, 0, 0, 1]))),
    "choose_stop_on_empty": lambda tf: _values(tf.data.Dataset.choose_from_datasets(
        _abc(tf), _choices(tf, [2, 2, 0, 1]))),
    "choose_skip_empty": lambda tf: _values(tf.data.Dataset.choose_from_datasets(
        _abc(tf), _choices(tf, [2, 2, 0, 1]), stop_on_empty_dataset=False)),
    "choose_all_empty": lambda tf: _values(tf.data.Dataset.choose_from_datasets(
        [d.take(1) for d in _abc(tf)[:2]], _choices(tf, [0, 0, 1, 1, 0, 1]),
        stop_on_empty_dataset=False)),
    "choose_int32": lambda tf: tf.data.Dataset.choose_from_datasets(
        _abc(tf), tf.data.Dataset.from_tensor_slices(np.array([0, 1], np.int32))),
    "choose_out_of_range": lambda tf: _values(tf.data.Dataset.choose_from_datasets(
        _abc(tf), _choices(tf, [0, 5]))),
    "choose_negative": lambda tf: _values(tf.data.Dataset.choose_from_datasets(
        _abc(tf), _choices(tf, [0, -1]))),
    "choose_spec_card": lambda tf: [_spec_card(tf.data.Dataset.choose_from_datasets(
        _abc(tf), tf.data.Dataset.range(2))), int(tf.data.Dataset.choose_from_datasets(
            [tf.data.Dataset.range(3).repeat(), tf.data.Dataset.range(2)],
            tf.data.Dataset.range(2)).cardinality())],
    "choose_dtype_mismatch": lambda tf: tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.range(3), tf.data.Dataset.range(3).map(lambda x: tf.cast(
            x, tf.int32))], tf.data.Dataset.range(2)),
    "choose_shapes_relaxed": lambda tf: [_values(tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.from_tensors([1, 2]), tf.data.Dataset.from_tensors([1, 2, 3])],
        tf.data.Dataset.range(2))), tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.from_tensors([1, 2]), tf.data.Dataset.from_tensors([1, 2, 3])],
        tf.data.Dataset.range(2)).element_spec],
    "choose_empty_list": lambda tf: tf.data.Dataset.choose_from_datasets(
        [], tf.data.Dataset.range(2)),
    "choose_not_dataset": lambda tf: tf.data.Dataset.choose_from_datasets(_abc(tf), [0, 1]),
    "choose_vector_choices": lambda tf: tf.data.Dataset.choose_from_datasets(
        _abc(tf), tf.data.Dataset.from_tensors([0, 1])),
    "choose_tuples": lambda tf: _values(tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.zip((d, d)) for d in _abc(tf)[:2]], tf.data.Dataset.range(2))),
    "sample_spec_card": lambda tf: [_spec_card(_sample(tf, _two(tf))), int(_sample(
        tf, [d.repeat() for d in _two(tf)]).cardinality())],
    "sample_seed": lambda tf: _values(_sample(tf, _two(tf), seed=42)),
    "sample_seed_again": lambda tf: [_values(_sample(tf, _two(tf), seed=42)),
                                     _values(_sample(tf, _two(tf), seed=42))],
    "sample_weights": lambda tf: _values(_sample(tf, _two(tf), weights=[0.8, 0.2], seed=1)),
    "sample_weights_three": lambda tf: _values(_sample(tf, [
        tf.data.Dataset.range(0, 20), tf.data.Dataset.range(100, 120),
        tf.data.Dataset.range(200, 220)], weights=[0.5, 0.3, 0.2], seed=9)),
    "sample_weights_tensor": lambda tf: _values(_sample(tf, _two(tf), weights=tf.constant(
        [0.3, 0.7]), seed=4)),
    "sample_stop_on_empty": lambda tf: _values(_sample(
        tf, [tf.data.Dataset.range(0, 3), tf.data.Dataset.range(100, 110)], seed=42,
        stop_on_empty_dataset=True)),
    "sample_wrong_length": lambda tf: _sample(tf, _two(tf), weights=[1.0]),
    "sample_negative_weight": lambda tf: _values(_sample(tf, _two(tf, 3), weights=[1.0, -1.0],
                                                         seed=1)),
    "sample_zero_weight": lambda tf: _values(_sample(tf, _two(tf, 3), weights=[0.0, 1.0],
                                                     seed=1)),
    "sample_weights_dataset": lambda tf: _values(_sample(
        tf, _two(tf, 5), weights=tf.data.Dataset.from_tensors([0.5, 0.5]).repeat(), seed=1)),
    "sample_single": lambda tf: _values(_sample(tf, _two(tf, 3)[:1], seed=1)),
    "sample_dtype_mismatch": lambda tf: _sample(tf, [tf.data.Dataset.range(3), tf.data.Dataset
                                                     .range(3).map(lambda x: tf.cast(
                                                         x, tf.float32))]),
    "sample_empty_list": lambda tf: _sample(tf, []),
    "sample_global_seed": lambda tf: _seeded_global(tf, 3),
    "sample_same_each_pass": lambda tf: _two_passes(tf, seed=5),
    "sample_rerandomize": lambda tf: _two_passes(tf, seed=5, rerandomize_each_iteration=True),
    "sample_long": lambda tf: _values(_sample(tf, [d.repeat() for d in _two(tf, 3)], seed=11)
                                      .take(600)),
}

SCENARIOS = {**GENERATOR, **LIST_FILES, **TEXT, **FIXED, **CSV, **DECODE, **MAKE_CSV,
             **SAMPLING}
