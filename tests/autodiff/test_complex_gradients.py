"""Gradients of complex tensors against TF 2.21 (tools/data_fixtures/complex_grads.py): TF's
conjugate convention (``dy * conj(f'(z))``, the adjoint of the other matmul operand) through
every primitive featherflow runs on complex64/complex128, and TF's own rules for the ops
between real and complex (real, imag, abs, angle, complex, cast, rfft, irfft)."""

from tests.data.scenarios import scenario_test

# complex64 scenarios round in float32 (det, inv, solve and expm through a few products)
test_complex_gradient, workdir = scenario_test("complex_grads", rtol=2e-5, atol=2e-5)
