"""keras.utils.load_img / img_to_array / array_to_img / save_img against Keras 3.15.1
(tools/data_fixtures/load_img.py): every file kind x color_mode, target_size with each of the six
interpolations (down and up, with keep_aspect_ratio), palette and 16-bit PNGs, channels_first,
dtype, save_img round trips and the errors. All exact: both sides hand the pixels to Pillow with
the same arguments, so equal modes, sizes and values (bytes) are required."""

from tests.data.scenarios import scenario_test

test_keras_scenario, workdir = scenario_test("load_img", rtol=0, atol=0)
