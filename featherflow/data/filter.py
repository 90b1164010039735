"""``Dataset.filter``: keep the elements a predicate accepts."""

from featherflow.data.dataset import UNKNOWN, Dataset
from featherflow.data.functions import ElementFunction


class FilterDataset(Dataset):
    """The elements of the input for which ``predicate`` returns a True scalar."""

    def __init__(self, input_dataset, predicate, name=None):
        super().__init__([input_dataset], name=name)
        self._input = input_dataset
        self._fn = predicate
        ElementFunction(predicate, "filter")

    def _compute_cardinality(self):
        return UNKNOWN

    def _compute_spec(self):
        return self._input.element_spec

    def _iterate(self):
        call = ElementFunction(self._fn, "filter")
        it = self._input._iterate()
        try:
            for i, element in enumerate(it):
                if call.keep(element, i):
                    yield element
        finally:
            getattr(it, "close", lambda: None)()
