"""A Transformer encoder block classifier, as the keras.io "Text classification with
Transformer" example, on token sequences generated here (no download).

Each sequence holds random filler tokens and the tokens ``A`` and ``B`` once each; the label
is whether ``A`` comes before ``B``. A bag of words cannot tell, since only where the tokens
sit decides the label: the model needs its position embedding and self-attention.
Padding (token 0) is masked through ``Embedding(mask_zero=True)``, so attention skips it.
"""

import numpy as np

import featherflow as tf

VOCAB = 24
MAXLEN = 16
A, B = 1, 2


class TokenAndPositionEmbedding(tf.keras.layers.Layer):
    """Token embedding plus a learned position embedding; zeros are padding (masked)."""

    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_emb = tf.keras.layers.Embedding(vocab_size, embed_dim, mask_zero=True)
        self.pos_emb = tf.keras.layers.Embedding(maxlen, embed_dim)

    def call(self, x):
        positions = tf.range(start=0, limit=tf.shape(x)[-1], delta=1)
        return self.token_emb(x) + self.pos_emb(positions)

    def compute_mask(self, x, mask=None):
        return self.token_emb.compute_mask(x)


class TransformerBlock(tf.keras.layers.Layer):
    """Self-attention and a feed-forward network, each with a residual and LayerNorm."""

    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.att = tf.keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = tf.keras.Sequential([tf.keras.layers.Dense(ff_dim, activation="relu"),
                                        tf.keras.layers.Dense(embed_dim)])
        self.layernorm1 = tf.keras.layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = tf.keras.layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = tf.keras.layers.Dropout(rate)
        self.dropout2 = tf.keras.layers.Dropout(rate)
        self.supports_masking = True

    def call(self, inputs, training=None, mask=None):
        attention_mask = None
        if mask is not None:
            attention_mask = mask[:, None, :]
        attn_output = self.att(inputs, inputs, attention_mask=attention_mask)
        out1 = self.layernorm1(inputs + self.dropout1(attn_output, training=training))
        ffn_output = self.ffn(out1)
        return self.layernorm2(out1 + self.dropout2(ffn_output, training=training))


def make_data(n, rng):
    """``n`` padded sequences holding A and B once each, labelled 1 when A comes first."""
    x = np.zeros((n, MAXLEN), "int32")
    y = np.zeros((n,), "int32")
    for i in range(n):
        length = int(rng.integers(6, MAXLEN + 1))
        x[i, :length] = rng.integers(3, VOCAB, size=length)
        at_a, at_b = rng.choice(length, size=2, replace=False)
        x[i, at_a], x[i, at_b] = A, B
        y[i] = int(at_a < at_b)
    return x, y


def build_model(embed_dim=16, num_heads=2, ff_dim=32):
    inputs = tf.keras.Input(shape=(MAXLEN,), dtype="int32")
    x = TokenAndPositionEmbedding(MAXLEN, VOCAB, embed_dim)(inputs)
    x = TransformerBlock(embed_dim, num_heads, ff_dim)(x)
    x = tf.keras.layers.GlobalAveragePooling1D()(x)
    x = tf.keras.layers.Dropout(0.1)(x)
    x = tf.keras.layers.Dense(20, activation="relu")(x)
    outputs = tf.keras.layers.Dense(2, activation="softmax")(x)
    return tf.keras.Model(inputs=inputs, outputs=outputs)


def main(epochs=10, n_train=1200, n_val=300):
    tf.keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x_train, y_train = make_data(n_train, rng)
    x_val, y_val = make_data(n_val, rng)
    model = build_model()
    model.compile(optimizer=tf.keras.optimizers.Adam(3e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=epochs,
                        validation_data=(x_val, y_val), verbose=2)
    val_loss, val_accuracy = model.evaluate(x_val, y_val, verbose=0)
    print(f"validation accuracy: {val_accuracy:.3f}")
    return {"history": history.history, "val_accuracy": val_accuracy, "model": model}


if __name__ == "__main__":
    main()
