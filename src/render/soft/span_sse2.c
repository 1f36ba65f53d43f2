/* The span kernels for SSE2, the baseline of x86-64. */
#define KILN__SPAN_TABLE kiln__soft_spans_sse2
#include "span_kernels.h"
