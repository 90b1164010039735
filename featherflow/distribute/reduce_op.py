"""``tf.distribute.ReduceOp``: how values from the replicas combine."""

import enum


class ReduceOp(enum.Enum):
    """``SUM`` adds the replicas' values; ``MEAN`` averages them (count-weighted when an
    ``axis`` is reduced too)."""

    SUM = "SUM"
    MEAN = "MEAN"

    @staticmethod
    def from_variable_aggregation(aggregation):
        name = str(getattr(aggregation, "name", aggregation)).upper()
        if name == "SUM":
            return ReduceOp.SUM
        if name == "MEAN":
            return ReduceOp.MEAN
        raise ValueError(f"Could not convert from `tf.VariableAggregation` {aggregation!r} to "
                         f"`tf.distribute.ReduceOp`: expected SUM or MEAN.")


def as_reduce_op(op, where):
    """``op`` as a ReduceOp; strings "SUM"/"MEAN" (any case) are accepted as in TF."""
    if isinstance(op, ReduceOp):
        return op
    if isinstance(op, str) and op.upper() in ("SUM", "MEAN"):
        return ReduceOp[op.upper()]
    raise ValueError(f"{where}: reduce_op must be tf.distribute.ReduceOp.SUM or .MEAN; "
                     f"received {op!r}.")
