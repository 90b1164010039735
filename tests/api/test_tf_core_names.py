"""TF 2.21's remaining core names against TF (tools/data_fixtures/tf_core_names.py):
gfile.join, tf.gradients, AggregationMethod, NoneTensorSpec, RegisterGradient,
variable_creator_scope, register_tensor_conversion_function, tf.types.experimental,
tf.nn.experimental's dropouts, tf.random.experimental and tf.debugging.experimental's checks.

Tolerance rtol/atol 1e-6: the dropout masks are TF's exactly; the kept values are one float
multiplication (float16 rounds the same way in both)."""

import os

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_tf_core_names_scenario, workdir = scenario_test("tf_core_names", rtol=1e-6, atol=1e-6)


def test_sysconfig_answers_honestly():
    info = tf.sysconfig.get_build_info()
    assert info["is_cuda_build"] is False and info["is_rocm_build"] is False
    assert os.path.isfile(os.path.join(tf.sysconfig.get_lib(), "__init__.py"))
    for name in ("get_include", "get_compile_flags", "get_link_flags"):
        with pytest.raises(tf.errors.UnimplementedError, match="no C\\+\\+ library"):
            getattr(tf.sysconfig, name)()


def test_dump_debug_info_refused_after_tfs_checks():
    with pytest.raises(tf.errors.UnimplementedError, match="enable_check_numerics"):
        tf.debugging.experimental.enable_dump_debug_info("/tmp/unused", "FULL_HEALTH")
    with pytest.raises(tf.errors.UnimplementedError, match="FULL_NUMERICS"):
        tf.debugging.experimental.enable_dump_debug_info("/tmp/unused", "FULL_NUMERICS")


def test_creator_scope_ends_and_checks_its_argument():
    calls = []

    def creator(next_creator, **kwargs):
        calls.append(kwargs["name"])
        return next_creator(**kwargs)

    with tf.variable_creator_scope(creator):
        tf.Variable(1.0, name="a")
    tf.Variable(1.0, name="b")
    assert calls == ["a"]
    with pytest.raises(TypeError, match="callable"):
        with tf.variable_creator_scope("not a creator"):
            pass
    with tf.variable_creator_scope(creator):
        with pytest.raises(TypeError, match="unexpected keyword"):
            tf.Variable(1.0, colour="red")


def test_registered_gradient_is_kept_but_not_used_by_primitives():
    from featherflow.api import gradient_registry

    @tf.RegisterGradient("FeatherflowTestOnlyOp")
    def _grad(op, grad):
        return grad

    assert gradient_registry.registered_gradient("FeatherflowTestOnlyOp") is _grad
    with pytest.raises(LookupError, match="NoSuchOp"):
        gradient_registry.registered_gradient("NoSuchOp")


def test_conversion_must_return_a_tensor():
    class Odd:
        pass

    tf.register_tensor_conversion_function(Odd, lambda value, dtype=None, name=None,
                                           as_ref=False: [1.0])
    with pytest.raises(RuntimeError, match="non-Tensor"):
        tf.convert_to_tensor(Odd())
    with pytest.raises(TypeError, match="callable"):
        tf.register_tensor_conversion_function(type("Other", (), {}), "not callable")


def test_noise_shape_with_unfillable_unknown_refused():
    with pytest.raises(ValueError, match="noise_shape"):
        tf.nn.experimental.stateless_dropout(tf.ones([2, 3]), 0.5, seed=[1, 2],
                                             noise_shape=[None])
    with pytest.raises(TypeError, match="uniform_sampler"):
        tf.nn.experimental.general_dropout(tf.ones([2]), 0.5, uniform_sampler=None)


def test_critical_section_serializes_threads():
    import threading
    import time

    section = tf.CriticalSection()
    inside, overlaps = [], []

    def work():
        if inside:
            overlaps.append(True)
        inside.append(True)
        time.sleep(0.002)
        inside.pop()

    threads = [threading.Thread(target=section.execute, args=(work,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not overlaps


def test_existing_op_library_refused(tmp_path):
    library = tmp_path / "ops.so"
    library.write_bytes(b"\x7fELF")
    for load in (tf.load_op_library, tf.load_library):
        with pytest.raises(tf.errors.UnimplementedError, match="compiled TensorFlow kernels"):
            load(str(library))


def test_ragged_fill_empty_rows_gradient_is_the_grad_op():
    from featherflow.testing import check_gradients

    values, default = tf.constant([1.0, 2.0, 3.0]), tf.constant(-1.0)
    weights = tf.constant([1.0, 2.0, 3.0, 4.0, 5.0])
    with tf.GradientTape() as tape:
        tape.watch([values, default])
        out = tf.ragged_fill_empty_rows([0, 2, 2], values, 4, default)
        loss = tf.reduce_sum(out.output_values * weights)
    d_values, d_default = tape.gradient(loss, [values, default])
    expected = tf.ragged_fill_empty_rows_grad(out.reverse_index_map, weights)
    np.testing.assert_array_equal(d_values.numpy(), expected.d_values.numpy())
    np.testing.assert_array_equal(d_default.numpy(), expected.d_default_value.numpy())
    check_gradients(lambda v, d: tf.ragged_fill_empty_rows([1, 1], v, 3, d).output_values,
                    [np.array([0.5, -2.0]), np.array(3.0)])


def test_dropout_gradients_by_finite_differences():
    from featherflow.testing import check_gradients

    x = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    check_gradients(lambda t: tf.nn.experimental.stateless_dropout(t, 0.3, seed=[1, 2]), [x])
    check_gradients(lambda t: tf.nn.experimental.stateless_dropout(
        t, tf.constant(0.5, tf.float64), seed=[4, 2], noise_shape=[3, 1]), [x])


def test_profiler_start_refused_with_the_alternative(tmp_path):
    with pytest.raises(tf.errors.UnimplementedError, match="cProfile"):
        tf.profiler.experimental.start(str(tmp_path))
    with pytest.raises(tf.errors.UnimplementedError, match="cProfile"):
        with tf.profiler.experimental.Profile(str(tmp_path)):
            pass
    with pytest.raises(tf.errors.UnimplementedError):
        tf.profiler.experimental.server.start(6009)
    with pytest.raises(tf.errors.UnimplementedError):
        tf.profiler.experimental.client.trace("grpc://localhost:6009", str(tmp_path), 100)


def test_graph_building_refused_with_the_reason():
    for build in (tf.Graph, tf.Operation, lambda: tf.import_graph_def(None),
                  lambda: tf.graph_util.import_graph_def(None)):
        with pytest.raises(RuntimeError, match="builds no graphs"):
            build()
    assert not isinstance(tf.constant(1.0), (tf.Graph, tf.Operation))
