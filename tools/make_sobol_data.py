"""Write featherflow/api/data/sobol_joe_kuo.npz from Joe and Kuo's direction numbers.

    python tools/make_sobol_data.py path/to/new-joe-kuo-6.21201

Keeps the lines of dimensions 2..1111 (TensorFlow's tf.math.sobol_sample has 1111
dimensions: the first is van der Corput's, the others these): each line's degree ``s``, its
polynomial ``a`` and its initial direction numbers ``m_1..m_s``. The data's licence (BSD
3-clause, Frances Y. Kuo and Stephen Joe) is stored in the file beside them.
"""

import sys
from pathlib import Path

import numpy as np

LICENCE = """Copyright (c) 2008, Frances Y. Kuo and Stephen Joe
All rights reserved.

Redistribution and use in source and binary forms, with or without modification, are
permitted provided that the following conditions are met:

    * Redistributions of source code must retain the above copyright notice, this list of
      conditions and the following disclaimer.

    * Redistributions in binary form must reproduce the above copyright notice, this list of
      conditions and the following disclaimer in the documentation and/or other materials
      provided with the distribution.

    * Neither the names of the copyright holders nor the names of the University of New
      South Wales and the University of Waikato and its contributors may be used to endorse
      or promote products derived from this software without specific prior written
      permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS ``AS IS'' AND ANY EXPRESS OR IMPLIED
WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND
FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDERS BE
LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
(INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY,
WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN
ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""

OUT = Path(__file__).resolve().parents[1] / "featherflow" / "api" / "data" / "sobol_joe_kuo.npz"
LAST_DIMENSION = 1111


def main(path):
    degrees, polynomials, initial = [], [], []
    for line in Path(path).read_text().splitlines()[1:]:
        fields = [int(v) for v in line.split()]
        if fields[0] > LAST_DIMENSION:
            break
        degrees.append(fields[1])
        polynomials.append(fields[2])
        initial.append(fields[3:3 + fields[1]])
    width = max(degrees)
    m = np.zeros((len(initial), width), np.int32)
    for row, values in enumerate(initial):
        m[row, :len(values)] = values
    np.savez_compressed(OUT, s=np.array(degrees, np.int8), a=np.array(polynomials, np.int32),
                        m=m, licence=np.array(LICENCE))
    print(f"wrote {OUT} ({len(degrees)} dimensions after the first, {OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])
