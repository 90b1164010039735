"""``tf.keras.preprocessing.text``: the Keras 1 text helpers tutorials still use.

``Tokenizer`` (a word index fitted on texts, texts to index sequences or count matrices),
``tokenizer_from_json``, ``text_to_word_sequence``, ``one_hot`` and ``hashing_trick``, with
the behaviour of tf_keras 2.21 (``tf_keras/src/preprocessing/text.py``; Keras 3 keeps the
same code as ``keras.src.legacy.preprocessing.text``): the same word order, ties, index 0
reserved, ``num_words`` cut, out-of-vocabulary token at index 1 and tf-idf weights.

Python's ``hash()`` of a string is salted per process (``PYTHONHASHSEED``), so ``one_hot``
and ``hashing_trick(hash_function=None)`` give different indices in different processes (as
in Keras); ``hash_function="md5"`` is the same everywhere.
"""

import collections
import hashlib
import itertools
import json
import warnings

import numpy as np

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
_MODES = ("binary", "count", "tfidf", "freq")


def text_to_word_sequence(input_text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """The words of ``input_text``: lower-cased, every character of ``filters`` turned into
    ``split``, split on ``split``, empty pieces dropped.

    Example::

        >>> tf.keras.preprocessing.text.text_to_word_sequence("This is a sample sentence.")
        ['this', 'is', 'a', 'sample', 'sentence']
    """
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans(dict.fromkeys(filters, split)))
    return [word for word in input_text.split(split) if word]


def _md5(word):
    return int(hashlib.md5(word.encode()).hexdigest(), 16)


def hashing_trick(text, n, hash_function=None, filters=DEFAULT_FILTERS, lower=True,
                  split=" ", analyzer=None):
    """Each word of ``text`` as ``hash_function(word) % (n - 1) + 1`` (in ``[1, n - 1]``).

    ``hash_function=None`` is Python's ``hash`` (salted per process: not reproducible between
    runs unless ``PYTHONHASHSEED`` is fixed); ``"md5"`` is stable; any callable from a string
    to an int works.

    Example::

        >>> tf.keras.preprocessing.text.hashing_trick("the cat", 10, hash_function="md5")
        [6, 3]
    """
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        hash_function = _md5
    words = (text_to_word_sequence(text, filters=filters, lower=lower, split=split)
             if analyzer is None else analyzer(text))
    return [hash_function(word) % (n - 1) + 1 for word in words]


def one_hot(input_text, n, filters=DEFAULT_FILTERS, lower=True, split=" ", analyzer=None):
    """``hashing_trick`` with Python's ``hash`` (so, as in Keras, the indices change from one
    process to the next unless ``PYTHONHASHSEED`` is fixed)."""
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower,
                         split=split, analyzer=analyzer)


class Tokenizer:
    """A vocabulary fitted on texts; texts to index sequences or to count/tf-idf matrices.

    Index 0 is never a word; the most frequent word is 1 (or 2 when ``oov_token`` takes 1);
    ties keep the order words were first seen. ``num_words`` keeps indices below it.

    Example::

        >>> tokenizer = tf.keras.preprocessing.text.Tokenizer(num_words=4, oov_token="<oov>")
        >>> tokenizer.fit_on_texts(["the cat sat", "the dog sat down"])
        >>> tokenizer.texts_to_sequences(["the cat ran"])
        [[2, 1, 1]]
    """

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=" ",
                 char_level=False, oov_token=None, analyzer=None, **kwargs):
        if "nb_words" in kwargs:
            warnings.warn("The `nb_words` argument in `Tokenizer` has been renamed "
                          "`num_words`.", stacklevel=2)
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments: {kwargs}")
        self.word_counts = collections.OrderedDict()
        self.word_docs = collections.defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs = collections.defaultdict(int)
        self.word_index = {}
        self.index_word = {}
        self.analyzer = analyzer

    def _tokens(self, text):
        # A list is taken as tokens already; char_level iterates the string's characters.
        if self.char_level or isinstance(text, list):
            if not self.lower:
                return text
            return [token.lower() for token in text] if isinstance(text, list) else text.lower()
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, filters=self.filters, lower=self.lower,
                                     split=self.split)

    def fit_on_texts(self, texts):
        """Count the words of ``texts`` (strings, a generator of strings, or lists of
        tokens) and rebuild ``word_index`` from all counts so far."""
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            # Counter keeps first-seen order, so new words enter word_counts as in Keras.
            for token, count in collections.Counter(tokens).items():
                self.word_counts[token] = self.word_counts.get(token, 0) + count
            # Iterating the set (not the tokens) keeps word_docs' key order equal to Keras's
            # in the same process: both follow the salted string hash.
            for token in set(tokens):
                self.word_docs[token] += 1
        # sorted() is stable: equal counts keep first-seen order, as in Keras.
        by_count = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = [] if self.oov_token is None else [self.oov_token]
        vocabulary.extend(word for word, _ in by_count)
        self.word_index = {word: index for index, word in enumerate(vocabulary, start=1)}
        self.index_word = {index: word for word, index in self.word_index.items()}
        for word, docs in self.word_docs.items():
            self.index_docs[self.word_index[word]] = docs

    def fit_on_sequences(self, sequences):
        """Count in how many of ``sequences`` (lists of indices) each index occurs (what
        tf-idf needs when no texts were fitted)."""
        self.document_count += len(sequences)
        for sequence in sequences:
            for index in set(sequence):
                self.index_docs[index] += 1

    def texts_to_sequences(self, texts):
        """Each text as a list of word indices (unknown words dropped, or ``oov_token``'s
        index; indices ``>= num_words`` likewise)."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token)
        for text in texts:
            sequence = []
            for token in self._tokens(text):
                index = self.word_index.get(token)
                if index is None:
                    if self.oov_token is not None:
                        sequence.append(oov_index)
                elif num_words and index >= num_words:
                    if oov_index is not None:
                        sequence.append(oov_index)
                else:
                    sequence.append(index)
            yield sequence

    def sequences_to_texts(self, sequences):
        """Each list of indices as the space-joined words (the reverse of
        ``texts_to_sequences``, with the same ``num_words`` and ``oov_token`` rules)."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token)
        for sequence in sequences:
            words = []
            for index in sequence:
                word = self.index_word.get(index)
                if word is None:
                    if self.oov_token is not None:
                        words.append(self.index_word[oov_index])
                elif num_words and index >= num_words:
                    if oov_index is not None:
                        words.append(self.index_word[oov_index])
                else:
                    words.append(word)
            yield " ".join(words)

    def texts_to_matrix(self, texts, mode="binary"):
        """``sequences_to_matrix(texts_to_sequences(texts), mode)``."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """A float64 ``(len(sequences), num_words)`` matrix (``len(word_index) + 1`` columns
        without ``num_words``); ``mode`` is "binary", "count", "freq" (count / sequence
        length) or "tfidf" (``(1 + log count) * log(1 + documents / (1 + docs with it))``)."""
        if mode not in _MODES:
            raise ValueError(f"Unknown vectorization mode: {mode!r}. Expected one of "
                             f"{list(_MODES)} (argument `mode` of Tokenizer."
                             "sequences_to_matrix / texts_to_matrix).")
        if self.num_words:
            num_words = self.num_words
        elif self.word_index:
            num_words = len(self.word_index) + 1
        else:
            raise ValueError("Specify a dimension (`num_words` argument), or fit on some text "
                             "data first.")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        matrix = np.zeros((len(sequences), num_words))
        lengths = np.array([len(sequence) for sequence in sequences], dtype=np.int64)
        flat = np.fromiter(itertools.chain.from_iterable(sequences), dtype=np.int64,
                           count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(sequences)), lengths)
        kept = flat < num_words
        np.add.at(matrix, (rows[kept], flat[kept]), 1)
        present = matrix > 0
        if mode == "binary":
            matrix[present] = 1
        elif mode == "freq":
            # Divided by the whole length, indices >= num_words included, as Keras.
            matrix /= np.maximum(lengths, 1)[:, None]
        elif mode == "tfidf":
            docs = np.array([self.index_docs.get(index, 0) for index in range(num_words)])
            inverse = np.log(1 + self.document_count / (1 + docs))
            matrix[present] = (1 + np.log(matrix[present])) * np.broadcast_to(
                inverse, matrix.shape)[present]
        return matrix

    def get_config(self):
        """The settings and the fitted dictionaries, the dictionaries as JSON strings (Keras's
        layout; ``analyzer`` is not saved)."""
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": self.split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """``{"class_name": ..., "config": get_config()}`` as JSON (``kwargs`` go to
        ``json.dumps``); ``tokenizer_from_json`` reads it back."""
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()},
                          **kwargs)


def tokenizer_from_json(json_string):
    """The ``Tokenizer`` a ``Tokenizer.to_json()`` string describes (tf_keras's files too).

    Unlike Keras (whose restored ``word_docs`` is a plain dict), the restored tokenizer can be
    fitted on more texts.
    """
    config = dict(json.loads(json_string).get("config"))
    word_counts = json.loads(config.pop("word_counts"),
                             object_pairs_hook=collections.OrderedDict)
    word_docs = json.loads(config.pop("word_docs"))
    # json.dumps turned the integer keys into strings.
    index_docs = {int(key): value for key, value in json.loads(config.pop("index_docs")).items()}
    index_word = {int(key): value for key, value in json.loads(config.pop("index_word")).items()}
    word_index = json.loads(config.pop("word_index"))
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = word_counts
    tokenizer.word_docs = collections.defaultdict(int, word_docs)
    tokenizer.index_docs = collections.defaultdict(int, index_docs)
    tokenizer.word_index = word_index
    tokenizer.index_word = index_word
    return tokenizer
