"""Callbacks, as ``keras.callbacks``."""

from featherflow.callbacks.callback import Callback
from featherflow.callbacks.callback_list import CallbackList
from featherflow.callbacks.history import History
from featherflow.callbacks.lambda_callback import LambdaCallback
from featherflow.callbacks.progbar_logger import ProgbarLogger
from featherflow.callbacks.tensorboard import TensorBoard
