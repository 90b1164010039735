"""``keras.utils.FeatureSpace``: one object that preprocesses and encodes a dict of structured
features (floats normalized, rescaled or bucketized; integer and string categories looked up
or hashed; crosses of features hashed together), concatenated into one vector or as a dict.

It is built from featherflow's preprocessing layers (Normalization, Rescaling, Discretization,
IntegerLookup, StringLookup, Hashing, HashedCrossing, CategoryEncoding). Outputs are sorted by
feature name, then the crosses by name, as Keras 3 orders them.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.graph import KerasTensor
from featherflow.layers.input_layer import Input
from featherflow.layers.layer import Layer
from featherflow.layers.preprocessing.adapt import is_dataset
from featherflow.layers.preprocessing.category_encoding import CategoryEncoding
from featherflow.layers.preprocessing.discretization import Discretization
from featherflow.layers.preprocessing.feature_space_parts import (
    Cross,
    Feature,
    TFDConcat,
    TFDIdentity,
    deserialize_part,
    serialize_part,
)
from featherflow.layers.preprocessing.hashed_crossing import HashedCrossing
from featherflow.layers.preprocessing.hashing import Hashing
from featherflow.layers.preprocessing.image_preprocessing import Rescaling
from featherflow.layers.preprocessing.index_lookup import IndexLookup
from featherflow.layers.preprocessing.integer_lookup import IntegerLookup
from featherflow.layers.preprocessing.normalization import Normalization
from featherflow.layers.preprocessing.string_lookup import StringLookup
from featherflow.layers.preprocessing.text_vectorization import TextVectorization
from featherflow.utils.naming import unique_name

_KINDS = ("float", "float_normalized", "float_rescaled", "float_discretized",
          "integer_categorical", "string_categorical", "integer_hashed", "string_hashed")


def _as_tensor(value):
    """``value`` as a Tensor, Python ``str`` items (a pandas column of objects) as tf.string
    bytes, so lookups learn and look up the same keys."""
    if isinstance(value, Tensor):
        if value.data.dtype != object:
            return value
        value = value.data
    return Tensor(as_array(value))


def _expand_last(x):
    return Tensor(np.expand_dims(x.data, -1))


class FeatureSpace(Layer):
    """Preprocess and encode a dict of structured features, as ``keras.utils.FeatureSpace``.

    Example::

        >>> space = tf.keras.utils.FeatureSpace(
        ...     features={"age": "float_normalized", "city": "string_categorical"},
        ...     crosses=[("age", "city")], crossing_dim=8, output_mode="concat")
        >>> space.adapt(tf.data.Dataset.from_tensor_slices(
        ...     {"age": [20.0, 40.0], "city": ["Oslo", "Rome"]}))
        >>> space({"age": [30.0], "city": ["Rome"]}).shape
        TensorShape([1, 12])
    """

    # -- feature kinds --------------------------------------------------------------------------
    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode="one_hot"):
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode):
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None):
        name = name or unique_name("float")
        return Feature("float32", TFDIdentity(dtype="float32", name=f"{name}_preprocessor"),
                       "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None):
        name = name or unique_name("float_rescaled")
        layer = Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor")
        return Feature("float32", layer, "float")

    @classmethod
    def float_normalized(cls, name=None):
        name = name or unique_name("float_normalized")
        return Feature("float32", Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
        name = name or unique_name("float_discretized")
        layer = Discretization(num_bins=num_bins, bin_boundaries=bin_boundaries,
                               name=f"{name}_preprocessor")
        return Feature("float32", layer, output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot",
                            name=None):
        name = name or unique_name("integer_categorical")
        layer = IntegerLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                              num_oov_indices=num_oov_indices)
        return Feature("int32", layer, output_mode)

    @classmethod
    def string_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot",
                           name=None):
        name = name or unique_name("string_categorical")
        layer = StringLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                             num_oov_indices=num_oov_indices)
        return Feature("string", layer, output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode="one_hot", name=None):
        name = name or unique_name("string_hashed")
        return Feature("string", Hashing(name=f"{name}_preprocessor", num_bins=num_bins),
                       output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode="one_hot", name=None):
        name = name or unique_name("integer_hashed")
        return Feature("int32", Hashing(name=f"{name}_preprocessor", num_bins=num_bins),
                       output_mode)

    # -- construction ---------------------------------------------------------------------------
    def __init__(self, features, output_mode="concat", crosses=None, crossing_dim=32,
                 hashing_dim=32, num_discretization_bins=32, name=None):
        super().__init__(name=name)
        if not features:
            raise ValueError("The `features` argument cannot be None or empty.")
        if not isinstance(features, dict):
            raise TypeError("FeatureSpace: `features` must be a dict mapping feature names to "
                            "their kind (e.g. {'age': 'float_normalized'}). Received: "
                            f"{type(features).__name__}.")
        if output_mode not in {"dict", "concat"}:
            raise ValueError("Invalid value for argument `output_mode`. Expected one of "
                             f"{{'dict', 'concat'}}. Received: output_mode={output_mode}")
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {key: self._standardize_feature(key, value)
                         for key, value in features.items()}
        self.crosses = [self._standardize_cross(cross, set(features)) for cross in crosses or ()]
        self.crosses_by_name = {cross.name: cross for cross in self.crosses}
        self.output_mode = output_mode
        self.inputs = {key: Input(shape=(1,), dtype=feature.dtype, name=key)
                       for key, feature in self.features.items()}
        self.preprocessors = {key: feature.preprocessor for key, feature in self.features.items()}
        self.encoded_features = None
        self.crossers = {cross.name: HashedCrossing(cross.crossing_dim, name=cross.name)
                         for cross in self.crosses}
        self.one_hot_encoders = {}
        self._is_adapted = False
        self.concat = None
        self._preprocessed_features_names = None
        self._crossed_features_names = None
        self._sublayers_built = False

    def _standardize_feature(self, key, feature):
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            return deserialize_part(feature, Feature, f"FeatureSpace feature {key!r}")
        if feature == "float_discretized":
            return self.float_discretized(name=key, num_bins=self.num_discretization_bins)
        if feature in ("integer_hashed", "string_hashed"):
            return getattr(self, feature)(self.hashing_dim, name=key)
        if feature in _KINDS:
            return getattr(self, feature)(name=key)
        raise ValueError(f"Invalid feature type: {feature}. FeatureSpace feature {key!r} "
                         f"expects a FeatureSpace.<kind>(...) object or one of {list(_KINDS)}.")

    def _standardize_cross(self, cross, known):
        if isinstance(cross, dict):
            return deserialize_part(cross, Cross, "FeatureSpace crosses")
        if isinstance(cross, Cross):
            return cross
        if not self.crossing_dim:
            raise ValueError("When specifying `crosses`, the argument `crossing_dim` "
                             "(dimensionality of the crossing space) should be specified as "
                             "well.")
        if any(key not in known for key in cross):
            raise ValueError("All features referenced in the `crosses` argument should be "
                             f"present in the `features` dict. Received unknown features: "
                             f"{cross}")
        return Cross(cross, crossing_dim=self.crossing_dim)

    # -- adapt --------------------------------------------------------------------------------
    def _list_adaptable_preprocessors(self):
        names = []
        for key in self.features:
            layer = self.preprocessors[key]
            if isinstance(layer, Normalization) and layer.input_mean is not None:
                continue
            if isinstance(layer, (TextVectorization, IndexLookup)) and \
                    layer._has_input_vocabulary:
                continue
            if isinstance(layer, Discretization) and layer.num_bins is None:
                continue
            if hasattr(layer, "adapt"):
                names.append(key)
        return names

    def adapt(self, dataset):
        """Learn each preprocessor's state (means, vocabularies, bins) from ``dataset``: a
        ``tf.data.Dataset`` of dicts (batched or not) or a dict of arrays/lists."""
        if not is_dataset(dataset):
            if not isinstance(dataset, dict):
                raise ValueError("`adapt()` can only be called on a tf.data.Dataset or a dict "
                                 f"of arrays/lists. Received instead: {dataset} (of type "
                                 f"{type(dataset)})")
            # data/ sits above layers/: imported when adapt() runs
            from featherflow.data.dataset import Dataset

            dataset = Dataset.from_tensor_slices(dataset)
        for key in self._list_adaptable_preprocessors():
            feature_dataset = dataset.map(lambda x, key=key: _as_tensor(x[key]))
            first = next(iter(feature_dataset))
            rank = len(first.shape)
            if rank == 0:
                feature_dataset = feature_dataset.batch(32)
            if rank in (0, 1):
                feature_dataset = feature_dataset.map(_expand_last)
            self.preprocessors[key].adapt(feature_dataset)
        self._is_adapted = True
        self.get_encoded_features()
        self.built = True
        self._sublayers_built = True

    # -- the symbolic model -------------------------------------------------------------------
    def get_inputs(self):
        """The dict of ``keras.Input`` objects, one per feature, for a Functional model."""
        self._check_if_built()
        return self.inputs

    def get_encoded_features(self):
        """The encoded features as symbolic tensors of ``get_inputs()`` (one tensor in concat
        mode, a dict in dict mode)."""
        self._check_if_adapted()
        if self.encoded_features is None:
            preprocessed = self._preprocess_features(self.inputs)
            crossed = self._cross_features(preprocessed)
            self.encoded_features = self._merge_features(preprocessed, crossed)
        return self.encoded_features

    def _preprocess_features(self, features):
        return {key: self.preprocessors[key](features[key]) for key in features}

    def _cross_features(self, features):
        return {cross.name: self.crossers[cross.name]([features[n] for n in cross.feature_names])
                for cross in self.crosses}

    def _merge_features(self, preprocessed, crossed):
        if not self._preprocessed_features_names:
            self._preprocessed_features_names = sorted(preprocessed)
            self._crossed_features_names = sorted(crossed)
        names = self._preprocessed_features_names + self._crossed_features_names
        values = [preprocessed[n] for n in self._preprocessed_features_names] + \
                 [crossed[n] for n in self._crossed_features_names]
        if not self._sublayers_built:
            self._make_encoders(names, values)
        encoded = {}
        for key, value in zip(names, values):
            encoder = self.one_hot_encoders.get(key)
            encoded[key] = encoder(value) if encoder is not None else value
        if self.output_mode == "dict":
            return encoded
        return self.concat([encoded[n] for n in names])

    def _make_encoders(self, names, values):
        """The one-hot encoders and the concat layer, made once from the symbolic features."""
        for key, value in zip(names, values):
            spec = self.features.get(key) or self.crosses_by_name[key]
            dtype = str(value.dtype)
            if spec.output_mode == "one_hot":
                if not dtype.startswith("int"):
                    raise ValueError(f"Feature '{key}' has `output_mode='one_hot'`. Thus its "
                                     "preprocessor should return an integer dtype. Instead it "
                                     f"returns a {dtype} dtype.")
                layer = self.preprocessors.get(key) or self.crossers.get(key)
                cardinality = self._cardinality(key, layer)
                self.one_hot_encoders[key] = CategoryEncoding(num_tokens=cardinality,
                                                              output_mode="multi_hot")
                dtype = "float32"
            if self.output_mode == "concat" and (dtype.startswith("int") or dtype == "string"):
                raise ValueError(f"Cannot concatenate features because feature '{key}' has not "
                                 f"been encoded (it has dtype {dtype}). Consider using "
                                 "`output_mode='dict'`.")
        if self.output_mode == "concat":
            self.concat = TFDConcat(axis=-1)

    @staticmethod
    def _cardinality(key, layer):
        if isinstance(layer, IndexLookup):
            return layer.vocabulary_size()
        if isinstance(layer, CategoryEncoding):
            return layer.num_tokens
        if isinstance(layer, Discretization):
            if layer.num_bins is None:
                return len(layer.bin_boundaries) + 1
            return layer.num_bins
        if isinstance(layer, (HashedCrossing, Hashing)):
            return layer.num_bins
        raise ValueError(f"Feature '{key}' has `output_mode='one_hot'`. However it isn't a "
                         "standard feature and the dimensionality of its output space is not "
                         "known, thus it cannot be one-hot encoded. Try using "
                         "`output_mode='int'`.")

    def _check_if_adapted(self):
        if not self._is_adapted:
            if self._list_adaptable_preprocessors():
                raise ValueError("You need to call `.adapt(dataset)` on the FeatureSpace "
                                 "before you can start using it.")
            self._is_adapted = True

    def _check_if_built(self):
        if not self._sublayers_built:
            self._check_if_adapted()
            self.get_encoded_features()
            self._sublayers_built = True
            self.built = True

    # -- calling ------------------------------------------------------------------------------
    def __call__(self, data):
        self._check_if_built()
        if not isinstance(data, dict):
            raise ValueError("A FeatureSpace can only be called with a dict. "
                             f"Received: data={data} (of type {type(data)}")
        if any(isinstance(v, KerasTensor) for v in data.values()):
            raise ValueError("FeatureSpace is called on data (dicts of arrays or tensors); for "
                             "a Functional model use get_inputs() and get_encoded_features().")
        missing = [key for key in self.features if key not in data]
        if missing:
            raise ValueError(f"FeatureSpace {self.name!r}: the data dict lacks the feature(s) "
                             f"{missing}; it has the keys {list(data)}.")
        tensors = {}
        rebatched = False
        for key in self.features:
            x = _as_tensor(data[key])
            if len(x.shape) == 0:
                x = Tensor(x.data.reshape(1, 1))
                rebatched = True
            elif len(x.shape) == 1:
                x = _expand_last(x)
            tensors[key] = x
        merged = self._merge_features(*self._preprocessed_and_crossed(tensors))
        if not rebatched:
            return merged
        if self.output_mode == "concat":
            return Tensor(merged.data[0])
        return {key: Tensor(x.data[0]) if len(x.shape) == 2 and x.shape[0] == 1 else x
                for key, x in merged.items()}

    def _preprocessed_and_crossed(self, tensors):
        preprocessed = self._preprocess_features(tensors)
        return preprocessed, self._cross_features(preprocessed)

    # -- config and saving --------------------------------------------------------------------
    def get_config(self):
        return {
            "features": {key: serialize_part(f) for key, f in self.features.items()},
            "output_mode": self.output_mode,
            "crosses": [serialize_part(c) for c in self.crosses],
            "crossing_dim": self.crossing_dim,
            "hashing_dim": self.hashing_dim,
            "num_discretization_bins": self.num_discretization_bins,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        return {key: f.preprocessor.get_build_config() or {} for key, f in self.features.items()}

    def build_from_config(self, config):
        for key in config:
            layer = self.features[key].preprocessor
            if not layer.built:
                layer.build_from_config(config[key])
        self._is_adapted = True
        self.built = True

    def save(self, filepath):
        """Save to a ``.keras`` file; ``keras.models.load_model`` reads it back."""
        # saving/ sits above layers/: imported when save() runs
        from featherflow.saving import keras3_format

        keras3_format.save_model(self, filepath)

    def save_own_variables(self, store):
        return

    def load_own_variables(self, store):
        return
