"""The VGG16/VGG19 body shared by ``vgg16`` and ``vgg19`` (Keras's layer names)."""

from featherflow import backend, layers
from featherflow.keras.applications import builder, imagenet_utils


def build_vgg(convs_per_block, include_top, weights, input_tensor, input_shape, pooling,
              classes, classifier_activation, name, files):
    """``files`` = ((top file, url, md5), (no-top file, url, md5))."""
    what = name
    builder.check_weights(weights, include_top, classes, what)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = builder.image_input(input_tensor, input_shape, what)
    x = img_input
    for block, (filters, n) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block),
                                         start=1):
        for i in range(1, n + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    x = builder.pooled(x, include_top, pooling)
    model = builder.functional(input_tensor, img_input, x, name)
    file_name, origin, file_hash = files[0] if include_top else files[1]
    return builder.load_weights(model, weights, file_name, origin, file_hash)
