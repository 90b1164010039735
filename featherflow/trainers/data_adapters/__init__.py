"""Adapters that follow Keras 3's rules for data that is not arrays: tf.data.Dataset
(dataset_adapter.py) and keras.utils.PyDataset (py_dataset_adapter.py), on the epoch rule
of epochs.py. Arrays and Python generators are featherflow's trainers/data_adapter.py."""

from featherflow.trainers.data_adapters.dataset_adapter import DatasetBatches, is_dataset
from featherflow.trainers.data_adapters.epochs import RAN_OUT
from featherflow.trainers.data_adapters.py_dataset_adapter import PyDatasetBatches, is_pydataset
from featherflow.trainers.data_adapters.select import (
    evaluate_batches,
    fit_batches,
    handles,
    predict_batches,
    validation_batches,
)

__all__ = ["DatasetBatches", "PyDatasetBatches", "RAN_OUT", "evaluate_batches", "fit_batches",
           "handles", "is_dataset", "is_pydataset", "predict_batches",
           "validation_batches"]
