"""``tf.NoneTensorSpec``: the TypeSpec of ``None`` inside a structure (TF's composite
tensors and ``tf.function`` signatures use it for optional parts).

    >>> tf.type_spec_from_value(None)
    NoneTensorSpec()
"""

from featherflow.api.core_misc import TypeSpec


class NoneTensor:
    """The value a NoneTensorSpec describes (what ``None`` stands for in a structure)."""

    def __repr__(self):
        return "NoneTensor()"


class NoneTensorSpec(TypeSpec):
    """The spec of ``None``: compatible with ``None`` and with other NoneTensorSpecs."""

    @property
    def value_type(self):
        return NoneTensor

    def is_compatible_with(self, spec_or_value):
        return spec_or_value is None or isinstance(spec_or_value, (NoneTensor,
                                                                   NoneTensorSpec))

    def most_specific_common_supertype(self, others):
        return self if all(isinstance(o, NoneTensorSpec) for o in others) else None

    def is_subtype_of(self, other):
        return isinstance(other, NoneTensorSpec)

    def __eq__(self, other):
        return isinstance(other, NoneTensorSpec)

    def __hash__(self):
        return hash(NoneTensorSpec)

    def __repr__(self):
        return "NoneTensorSpec()"

    def __reduce__(self):
        return (NoneTensorSpec, ())
