import os

# The alerts fit hundreds of small GLMs with numpy: on a shared machine BLAS threads only
# contend (measured: 6 times slower with two threads than one). Set before numpy is imported;
# a deployment that sets it otherwise keeps its value.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
