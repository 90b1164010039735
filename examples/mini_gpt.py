"""A miniature GPT, as the keras.io "Text generation with a miniature GPT" example, on token
streams generated here (no download).

Token and position embeddings, one Transformer decoder block (self-attention with
``use_causal_mask=True``, so position t sees only positions <= t) and a Dense layer over the
vocabulary, trained to predict the next token. The "language": each sequence counts upward
by a step of 1, 2 or 3 (modulo the vocabulary) from a random start, so the model has to read
the step from the earlier tokens. Greedy generation then continues prompts it never saw.
"""

import numpy as np

import featherflow as tf

VOCAB = 20
MAXLEN = 12


class TokenAndPositionEmbedding(tf.keras.layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_emb = tf.keras.layers.Embedding(vocab_size, embed_dim)
        self.pos_emb = tf.keras.layers.Embedding(maxlen, embed_dim)

    def call(self, x):
        positions = tf.range(start=0, limit=tf.shape(x)[-1], delta=1)
        return self.token_emb(x) + self.pos_emb(positions)


class DecoderBlock(tf.keras.layers.Layer):
    """Causal self-attention and a feed-forward network, each with residual + LayerNorm."""

    def __init__(self, embed_dim, num_heads, ff_dim, **kwargs):
        super().__init__(**kwargs)
        self.att = tf.keras.layers.MultiHeadAttention(num_heads, embed_dim // num_heads)
        self.ffn = tf.keras.Sequential([tf.keras.layers.Dense(ff_dim, activation="relu"),
                                        tf.keras.layers.Dense(embed_dim)])
        self.layernorm1 = tf.keras.layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = tf.keras.layers.LayerNormalization(epsilon=1e-6)

    def call(self, inputs):
        attention_output = self.att(inputs, inputs, use_causal_mask=True)
        out1 = self.layernorm1(inputs + attention_output)
        return self.layernorm2(out1 + self.ffn(out1))


def make_sequences(n, rng):
    start = rng.integers(0, VOCAB, size=(n, 1))
    step = rng.integers(1, 4, size=(n, 1))
    return ((start + step * np.arange(MAXLEN + 1)) % VOCAB).astype("int32")


def build_model(embed_dim=32, num_heads=2, ff_dim=64):
    inputs = tf.keras.Input(shape=(MAXLEN,), dtype="int32")
    x = TokenAndPositionEmbedding(MAXLEN, VOCAB, embed_dim)(inputs)
    x = DecoderBlock(embed_dim, num_heads, ff_dim)(x)
    outputs = tf.keras.layers.Dense(VOCAB)(x)
    model = tf.keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer=tf.keras.optimizers.Adam(5e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def generate(model, prompt, length):
    """Greedy decoding: append the most likely next token ``length`` times."""
    tokens = list(prompt)
    for _ in range(length):
        window = tokens[-MAXLEN:]
        x = np.zeros((1, MAXLEN), "int32")
        x[0, :len(window)] = window
        logits = model.predict(x, verbose=0)[0, len(window) - 1]
        tokens.append(int(np.argmax(logits)))
    return tokens


def main(epochs=6, n_train=1500):
    tf.keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    data = make_sequences(n_train, rng)
    model = build_model()
    history = model.fit(data[:, :-1], data[:, 1:], batch_size=32, epochs=epochs, verbose=2)
    prompts = [[5, 7, 9], [18, 19, 0], [2, 5, 8, 11]]
    generated = [generate(model, p, 6) for p in prompts]
    for prompt, tokens in zip(prompts, generated):
        print("prompt", prompt, "->", tokens[len(prompt):])
    return {"history": history.history, "prompts": prompts, "generated": generated}


if __name__ == "__main__":
    main()
