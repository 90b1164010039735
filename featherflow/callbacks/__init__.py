"""Callbacks, as ``keras.callbacks``."""

from featherflow.callbacks.backup_and_restore import BackupAndRestore
from featherflow.callbacks.callback import Callback
from featherflow.callbacks.callback_list import CallbackList
from featherflow.callbacks.csv_logger import CSVLogger
from featherflow.callbacks.early_stopping import EarlyStopping
from featherflow.callbacks.history import History
from featherflow.callbacks.lambda_callback import LambdaCallback
from featherflow.callbacks.learning_rate_scheduler import LearningRateScheduler
from featherflow.callbacks.model_checkpoint import ModelCheckpoint
from featherflow.callbacks.progbar_logger import ProgbarLogger
from featherflow.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from featherflow.callbacks.remote_monitor import RemoteMonitor
from featherflow.callbacks.swap_ema_weights import SwapEMAWeights
from featherflow.callbacks.tensorboard import TensorBoard
from featherflow.callbacks.terminate_on_nan import TerminateOnNaN
