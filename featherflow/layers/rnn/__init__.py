"""Recurrent layers: RNN and its cells, SimpleRNN, LSTM, GRU, Bidirectional, TimeDistributed."""

from featherflow.layers.rnn.base import RNN
from featherflow.layers.rnn.bidirectional import Bidirectional
from featherflow.layers.rnn.gru import GRU, GRUCell
from featherflow.layers.rnn.lstm import LSTM, LSTMCell
from featherflow.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from featherflow.layers.rnn.stacked import StackedRNNCells
from featherflow.layers.rnn.time_distributed import TimeDistributed

__all__ = [
    "GRU", "LSTM", "RNN", "Bidirectional", "GRUCell", "LSTMCell", "SimpleRNN", "SimpleRNNCell",
    "StackedRNNCells", "TimeDistributed",
]
