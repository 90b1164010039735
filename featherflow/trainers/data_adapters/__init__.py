"""The data adapters: what fit/evaluate/predict turn each kind of input into, one file per
kind (as Keras 3's trainers/data_adapters/): arrays (array_adapter.py, converted once by
trainers/inputs.py), Python generators (generator_adapter.py), tf.data.Dataset
(dataset_adapter.py) and keras.utils.PyDataset (py_dataset_adapter.py), the last two on
Keras 3's epoch rule (epochs.py); select.py picks the adapter for the last two."""

from featherflow.trainers.data_adapters.array_adapter import (
    ArrayBatches,
    apply_class_weight,
    split_validation,
)
from featherflow.trainers.data_adapters.conversion import (
    check_finite,
    expand_1d,
    flat_arrays,
    map_arrays,
    num_samples,
    to_numpy,
    to_tensors,
)
from featherflow.trainers.data_adapters.dataset_adapter import DatasetBatches, is_dataset
from featherflow.trainers.data_adapters.epochs import RAN_OUT
from featherflow.trainers.data_adapters.generator_adapter import (
    GeneratorBatches,
    is_generator_like,
)
from featherflow.trainers.data_adapters.py_dataset_adapter import PyDatasetBatches, is_pydataset
from featherflow.trainers.data_adapters.select import (
    evaluate_batches,
    fit_batches,
    handles,
    predict_batches,
    validation_batches,
)

__all__ = [
    "ArrayBatches", "DatasetBatches", "GeneratorBatches", "PyDatasetBatches", "RAN_OUT",
    "apply_class_weight", "check_finite", "evaluate_batches", "expand_1d", "fit_batches",
    "flat_arrays", "handles", "is_dataset", "is_generator_like", "is_pydataset", "map_arrays",
    "num_samples", "predict_batches", "split_validation", "to_numpy", "to_tensors",
    "validation_batches",
]
