"""The container assertions ``tf.test.TestCase`` inherits from absl's TestCase under TF
(``assertLen``, ``assertEmpty``, ``assertNotEmpty``, ``assertSameElements``,
``assertContainsSubset``, ``assertNoCommonElements``), with absl's checks and messages;
featherflow does not depend on absl."""

import collections.abc
import unittest


class ContainerAssertions:
    """Mixed into ``tf.test.TestCase`` (a ``unittest.TestCase``)."""

    def _fail_with(self, standard, msg):
        self.fail(self._formatMessage(msg, standard))

    def _sized(self, container, msg):
        if not isinstance(container, collections.abc.Sized):
            self._fail_with(f"Expected a Sized object, got: {type(container).__name__!r}",
                            msg)

    def assertLen(self, container, expected_len, msg=None):  # noqa: N802 - absl's name
        """``len(container) == expected_len``."""
        self._sized(container, msg)
        if len(container) != expected_len:
            self._fail_with(f"{unittest.util.safe_repr(container)} has length of "
                            f"{len(container)}, expected {expected_len}.", msg)

    def assertEmpty(self, container, msg=None):  # noqa: N802
        self._sized(container, msg)
        if len(container):
            self._fail_with(f"{container!r} has length of {len(container)}.", msg)

    def assertNotEmpty(self, container, msg=None):  # noqa: N802
        self._sized(container, msg)
        if not len(container):
            self._fail_with(f"{container!r} has length of 0.", msg)

    def assertSameElements(self, expected_seq, actual_seq, msg=None):  # noqa: N802
        """The same set of elements, duplicates ignored (strings refused, as absl)."""
        if isinstance(expected_seq, (str, bytes)) or isinstance(actual_seq, (str, bytes)):
            self.fail("Passing string/bytes to assertSameElements is usually a bug. Did you "
                      f"mean to use assertEqual?\nExpected: {expected_seq}\nActual: "
                      f"{actual_seq}")
        try:
            expected = dict.fromkeys(expected_seq)
            actual = dict.fromkeys(actual_seq)
            missing = sorted(e for e in expected if e not in actual)
            unexpected = sorted(e for e in actual if e not in expected)
        except TypeError:  # unhashable elements: compare the sorted lists
            expected, actual = sorted(expected_seq), sorted(actual_seq)
            missing = [e for e in expected if e not in actual]
            unexpected = [e for e in actual if e not in expected]
        errors = [msg, ":\n"] if msg else []
        if missing:
            errors.append(f"Expected, but missing:\n  {missing!r}\n")
        if unexpected:
            errors.append(f"Unexpected, but present:\n  {unexpected!r}\n")
        if missing or unexpected:
            self.fail("".join(errors))

    def assertContainsSubset(self, expected_subset, actual_set, msg=None):  # noqa: N802
        missing = set(expected_subset) - set(actual_set)
        if missing:
            self._fail_with(f"Missing elements {missing}\nExpected: {expected_subset}\n"
                            f"Actual: {actual_set}", msg)

    def assertNoCommonElements(self, expected_seq, actual_seq, msg=None):  # noqa: N802
        common = set(expected_seq) & set(actual_seq)
        if common:
            self._fail_with(f"Common elements {common}\nExpected: {expected_seq}\n"
                            f"Actual: {actual_seq}", msg)
