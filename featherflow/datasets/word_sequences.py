"""The word-index post-processing IMDB and Reuters share (Keras's offsets, OOV and filtering)."""


def offset_words(sequences, start_char, index_from):
    """Prefix ``start_char`` and shift every word index by ``index_from``, as lists."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in sequences]
    if index_from:
        return [[w + index_from for w in x] for x in sequences]
    return [list(x) for x in sequences]


def remove_long_seq(maxlen, sequences, labels):
    """Keep the sequences strictly shorter than ``maxlen``, with their labels."""
    kept = [(x, y) for x, y in zip(sequences, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def limit_vocabulary(sequences, num_words, skip_top, oov_char):
    """Words outside [skip_top, num_words) become ``oov_char`` (or are dropped when None)."""
    if not num_words:
        num_words = max(max(x) for x in sequences)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in sequences]
    return [[w for w in x if skip_top <= w < num_words] for x in sequences]
