"""TF 2.21's array assertions of ``tf.test.TestCase`` (``assertAllClose`` and the rest):
TF's tolerances, its walk through nested structures, and its messages."""

import collections.abc
import contextlib
import math
import re
import unittest

import numpy as np

from featherflow import errors
from featherflow.api import test_values


def _np_where(condition):
    # np.where on a 0-d array gives a tuple of no arrays; TF spells it out the same way
    return np.where(np.asarray(condition))


class ArrayAssertions:
    """Mixed into ``tf.test.TestCase`` (a ``unittest.TestCase``)."""

    def _GetNdArray(self, a):  # noqa: N802 - TF's name, which subclasses call
        if test_values.is_tensor_like(a) and not isinstance(a, np.ndarray):
            a = a.numpy()
        if not isinstance(a, np.ndarray):
            try:
                return np.array(a)
            except ValueError as err:
                if "inhomogeneous shape" in str(err):
                    return np.array(a, dtype=object)
                raise
        return a

    # -- closeness ---------------------------------------------------------------------

    def _assertArrayLikeAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802
        a = self._GetNdArray(a)
        b = self._GetNdArray(b)
        if a.shape != b.shape and (b.ndim <= 3 or b.size < 500):
            shape_msg = f"Shape mismatch: expected {a.shape}, got {b.shape} with contents {b}."
        else:
            shape_msg = f"Shape mismatch: expected {a.shape}, got {b.shape}."
        self.assertEqual(a.shape, b.shape, shape_msg)
        a_dtype = a.dtype
        # bfloat16 and other extension floats compare as float32, as TF does
        if a.dtype.kind == "V" or a.dtype.name == "bfloat16":
            a = a.astype(np.float32)
        if b.dtype.kind == "V" or b.dtype.name == "bfloat16":
            b = b.astype(np.float32)
        if not np.allclose(a, b, rtol=rtol, atol=atol):
            cond = np.logical_or(np.abs(a - b) > atol + rtol * np.abs(b),
                                 np.isnan(a) != np.isnan(b))
            msgs = [msg]
            if a.ndim:
                x, y = a[_np_where(cond)], b[_np_where(cond)]
                msgs.append(f"not close where = {_np_where(cond)}")
            else:
                x, y = a, b
            msgs.append(f"not close lhs = {x}")
            msgs.append(f"not close rhs = {y}")
            msgs.append(f"not close dif = {np.abs(x - y)}")
            msgs.append(f"not close tol = {atol + rtol * np.abs(y)}")
            msgs.append(f"dtype = {a_dtype}, shape = {a.shape}")
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol,
                                       err_msg="\n".join(str(m) for m in msgs),
                                       equal_nan=True)

    def _assertAllCloseRecursive(self, a, b, rtol=1e-6, atol=1e-6, path=None,  # noqa: N802
                                 msg=None):
        if test_values.is_ragged(a) or test_values.is_ragged(b):
            a, b = test_values.as_list(a), test_values.as_list(b)
        path = path or []
        path_str = ("[" + "][".join(str(p) for p in path) + "]") if path else ""
        msg = msg if msg else ""
        if hasattr(a, "_asdict"):
            a = a._asdict()
        if hasattr(b, "_asdict"):
            b = b._asdict()
        a_is_dict = isinstance(a, collections.abc.Mapping)
        if a_is_dict != isinstance(b, collections.abc.Mapping):
            raise ValueError(f"Can't compare dict to non-dict, a{path_str} vs b{path_str}. "
                             f"{msg}")
        if a_is_dict:
            self.assertCountEqual(
                a.keys(), b.keys(),
                msg=f"mismatched keys: a{path_str} has keys {a.keys()}, but b{path_str} has "
                    f"keys {b.keys()}. {msg}")
            for key in a:
                path.append(key)
                self._assertAllCloseRecursive(a[key], b[key], rtol, atol, path, msg)
                del path[-1]
        elif isinstance(a, (list, tuple)):
            # one array comparison when both sides stack; element by element otherwise
            try:
                self._assertArrayLikeAllClose(
                    self._GetNdArray(a), self._GetNdArray(b), rtol=rtol, atol=atol,
                    msg=f"Mismatched value: a{path_str} is different from b{path_str}. {msg}")
            except (ValueError, TypeError):
                if len(a) != len(b):
                    raise ValueError(
                        f"Mismatched length: a{path_str} has {len(a)} items, but b{path_str} "
                        f"has {len(b)} items. {msg}") from None
                for index, (a_item, b_item) in enumerate(zip(a, b)):
                    path.append(str(index))
                    self._assertAllCloseRecursive(a_item, b_item, rtol, atol, path, msg)
                    del path[-1]
        else:
            try:
                self._assertArrayLikeAllClose(
                    a, b, rtol=rtol, atol=atol,
                    msg=f"Mismatched value: a{path_str} is different from b{path_str}. {msg}")
            except TypeError as err:
                note = (f"Error: a{path_str} has {type(a)}, but b{path_str} has {type(b)}. "
                        f"{msg}")
                err.args = (f"{err.args[0]} : {note}",) + err.args[1:]
                raise

    def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802
        """``a`` and ``b`` (arrays, tensors or nests of dicts/lists/tuples/namedtuples of
        them) are elementwise within ``atol + rtol * |b|``."""
        self._assertAllCloseRecursive(a, b, rtol=rtol, atol=atol, msg=msg)

    def assertAllCloseAccordingToType(self, a, b, rtol=1e-6, atol=1e-6,  # noqa: N802
                                      float_rtol=1e-6, float_atol=1e-6, half_rtol=1e-3,
                                      half_atol=1e-3, bfloat16_rtol=1e-2, bfloat16_atol=1e-2,
                                      msg=None):
        """``assertAllClose`` with the tolerance widened for float32, float16 and bfloat16."""
        a = self._GetNdArray(a)
        b = self._GetNdArray(b)
        kinds = {a.dtype.name, b.dtype.name}
        if kinds & {"float32", "complex64"}:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        if "float16" in kinds:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        if "bfloat16" in kinds:
            rtol, atol = max(rtol, bfloat16_rtol), max(atol, bfloat16_atol)
        self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)

    def assertNotAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802
        """At least one element of ``a`` and ``b`` is not close."""
        try:
            self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)
        except AssertionError:
            return
        raise AssertionError(f"The two values are close at all elements. {msg or ''}")

    def assertNear(self, f1, f2, err, msg=None):  # noqa: N802
        """``|f1 - f2| <= err`` for two numbers (equal infinities pass)."""
        f1 = np.squeeze(f1)
        f2 = np.squeeze(f2)
        if f1 != f2:
            diff = math.fabs(f1 - f2)
            note = f" ({msg})" if msg is not None else ""
            self.assertTrue(diff <= err,
                            f"{f1:f} != {f2:f} +/- {err:f} (difference: {diff:g}){note}")

    def assertArrayNear(self, farray1, farray2, err, msg=None):  # noqa: N802
        """Two lists of numbers, the same length, pairwise within ``err``."""
        self.assertEqual(len(farray1), len(farray2), msg=msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg=msg)

    def assertNDArrayNear(self, ndarray1, ndarray2, err, msg=None):  # noqa: N802
        """The Frobenius norm of ``ndarray1 - ndarray2`` is below ``err``."""
        self.assertTrue(np.linalg.norm(ndarray1 - ndarray2) < err, msg=msg)

    # -- equality and order ------------------------------------------------------------

    def assertAllEqual(self, a, b, msg=None):  # noqa: N802
        """Same shape and the same values (NaN equals NaN for floats)."""
        if test_values.is_ragged(a) or test_values.is_ragged(b):
            a, b = test_values.as_list(a), test_values.as_list(b)
            self.assertEqual(np.array(a, dtype=object).tolist(),
                             np.array(b, dtype=object).tolist(), msg)
            return
        msg = msg if msg else ""
        a = self._GetNdArray(a)
        b = self._GetNdArray(b)
        if b.ndim <= 3 or b.size < 500:
            self.assertEqual(a.shape, b.shape, f"Shape mismatch: expected {a.shape}, got "
                                               f"{b.shape}. Contents: {b!r}. \n{msg}.")
        else:
            self.assertEqual(a.shape, b.shape,
                             f"Shape mismatch: expected {a.shape}, got {b.shape}. {msg}")
        same = a == b
        if a.dtype.kind in "fc":
            same = np.logical_or(same, np.logical_and(np.isnan(a), np.isnan(b)))
        if not np.all(same):
            diff = np.logical_not(same)
            msgs = [msg]
            if a.ndim:
                x, y = a[_np_where(diff)], b[_np_where(diff)]
                msgs.append(f"not equal where = {_np_where(diff)}")
            else:
                x, y = a, b
            msgs.append(f"not equal lhs = {x!r}")
            msgs.append(f"not equal rhs = {y!r}")
            if a.dtype.kind != b.dtype.kind and {a.dtype.kind, b.dtype.kind} <= set("USO"):
                a, b = (np.array([v.encode() if isinstance(v, str) else v for v in arr.flat])
                        for arr in (a, b))
            np.testing.assert_array_equal(a, b, err_msg="\n".join(msgs))

    def assertNotAllEqual(self, a, b, msg=None):  # noqa: N802
        """At least one element differs."""
        try:
            self.assertAllEqual(a, b)
        except AssertionError:
            return
        raise AssertionError(f"The two values are equal at all elements. {msg or ''}")

    def assertAllGreater(self, a, comparison_target):  # noqa: N802
        self.assertGreater(np.min(self._GetNdArray(a)), comparison_target)

    def assertAllLess(self, a, comparison_target):  # noqa: N802
        self.assertLess(np.max(self._GetNdArray(a)), comparison_target)

    def assertAllGreaterEqual(self, a, comparison_target):  # noqa: N802
        self.assertGreaterEqual(np.min(self._GetNdArray(a)), comparison_target)

    def assertAllLessEqual(self, a, comparison_target):  # noqa: N802
        self.assertLessEqual(np.max(self._GetNdArray(a)), comparison_target)

    @staticmethod
    def _format_subscripts(subscripts, value, limit=10, indent=2):
        prefix = " " * indent
        if np.ndim(value) == 0:
            return [f"{prefix}[0] : {value}"]
        rows = np.transpose(subscripts)
        lines = [f"{prefix}{row} : {value[tuple(row)]}" for row in rows[:limit]]
        if len(rows) > limit:
            lines.append(prefix + "...")
        return lines

    def assertAllInRange(self, target, lower_bound, upper_bound,  # noqa: N802
                         open_lower_bound=False, open_upper_bound=False):
        """Every element in ``[lower, upper]`` (open ends on request); NaN fails."""
        target = self._GetNdArray(target)
        if target.dtype.kind not in "fiu":
            raise AssertionError(f"The value of {target} does not have an ordered numeric "
                                 f"type, instead it has type: {target.dtype}")
        nans = _np_where(np.isnan(target))
        if np.size(nans):
            raise AssertionError(
                f"{len(nans[0])} of the {np.size(target)} element(s) are NaN. Subscripts(s) "
                "and value(s) of the NaN element(s):\n"
                + "\n".join(self._format_subscripts(nans, target)))
        range_str = ("(" if open_lower_bound else "[") + f"{lower_bound}, {upper_bound}" + (
            ")" if open_upper_bound else "]")
        low = (np.less_equal(target, lower_bound) if open_lower_bound
               else np.less(target, lower_bound))
        high = (np.greater_equal(target, upper_bound) if open_upper_bound
                else np.greater(target, upper_bound))
        outside = _np_where(np.logical_or(low, high))
        if np.size(outside):
            raise AssertionError(
                f"{len(outside[0])} of the {np.size(target)} element(s) are outside the range "
                f"{range_str}. Subscript(s) and value(s) of the offending elements:\n"
                + "\n".join(self._format_subscripts(outside, target)))

    def assertAllInSet(self, target, expected_set):  # noqa: N802
        """Every element is one of ``expected_set``."""
        diff = np.setdiff1d(self._GetNdArray(target).flatten(), list(expected_set))
        if np.size(diff):
            raise AssertionError(f"{np.size(diff)} unique element(s) are not in the set "
                                 f"{expected_set}: {diff}")

    def assertDTypeEqual(self, target, expected_dtype):  # noqa: N802
        """The NumPy dtype of ``target`` equals ``expected_dtype`` (a DType or NumPy
        dtype)."""
        self.assertEqual(self._GetNdArray(target).dtype, expected_dtype)

    def assertShapeEqual(self, input_a, input_b, msg=None):  # noqa: N802
        """Two arrays, NumPy scalars or tensors have the same (static) shape."""
        from featherflow.autodiff import Tensor  # the tensor class (autodiff loads numpy ops)

        for name, value in (("input_a", input_a), ("input_b", input_b)):
            if not isinstance(value, (np.ndarray, np.generic, Tensor)):
                raise TypeError(f"{name} must be a Numpy ndarray, Numpy scalar, or a Tensor."
                                f"Instead received {type(value)}")
        shape_a = list(input_a.shape) if isinstance(input_a, Tensor) else input_a.shape
        shape_b = list(input_b.shape) if isinstance(input_b, Tensor) else input_b.shape
        self.assertAllEqual(shape_a, shape_b, msg=msg)

    def assertStartsWith(self, actual, expected_start, msg=None):  # noqa: N802
        if not actual.startswith(expected_start):
            self.fail(f"{actual!r} does not start with {expected_start!r}"
                      + (f" : {msg!r}" if msg else ""))

    def assertDictEqual(self, a, b, msg=None):  # noqa: N802
        """unittest's dict equality, falling back to array closeness of each value."""
        try:
            super().assertDictEqual(a, b, msg)
        except Exception:  # noqa: BLE001 - TF retries any failure with array comparisons
            self.assertCountEqual(a.keys(), b.keys())
            for key, value in a.items():
                if self._GetNdArray(value).dtype.kind == "f":
                    self.assertAllClose(value, b[key], msg=key)
                else:
                    self.assertAllEqual(value, b[key], msg=key)

    assertItemsEqual = unittest.TestCase.assertCountEqual  # noqa: N815 - TF's name

    # -- errors ------------------------------------------------------------------------

    @contextlib.contextmanager
    def assertRaisesWithPredicateMatch(self, exception_type,  # noqa: N802
                                       expected_err_re_or_predicate):
        """Inside the ``with``, an ``exception_type`` is raised whose message matches the
        regular expression (``re.search``), or which the callable accepts."""
        if callable(expected_err_re_or_predicate):
            predicate = expected_err_re_or_predicate
        else:
            def predicate(err):
                text = err.message if isinstance(err, errors.OpError) else str(err)
                return re.search(expected_err_re_or_predicate, text)
        try:
            yield
            self.fail(exception_type.__name__ + " not raised")
        except Exception as err:  # noqa: BLE001 - any other exception is the failure
            if not isinstance(err, exception_type) or not predicate(err):
                raise AssertionError(f"Exception of type {type(err)}: {err}") from err

    def assertRaisesOpError(self, expected_err_re_or_predicate):  # noqa: N802
        """``assertRaisesWithPredicateMatch(tf.errors.OpError, ...)``."""
        return self.assertRaisesWithPredicateMatch(errors.OpError,
                                                   expected_err_re_or_predicate)

    def assertRaisesIncompatibleShapesError(  # noqa: N802
            self, exception_type=errors.InvalidArgumentError):
        return self.assertRaisesWithPredicateMatch(
            exception_type, r"Incompatible shapes|Dimensions must be equal|"
                            r"required broadcastable shapes")
