/* The span kernels for AVX2; this file is compiled with -mavx2, and its table is
 * used only on processors that have AVX2. */
#define KILN__SPAN_AVX2
#define KILN__SPAN_TABLE kiln__soft_spans_avx2
#include "span_kernels.h"
