/* paramguard._sweep: the two whole-document passes of fastscan's proof, in one C loop each.

   fastscan.py holds the proof and its argument; this module only makes two of its passes
   cheaper, with the same results as the Python it replaces (tests/test_sweep.py compares
   them on generated and hostile documents):

   find_tokens(data, needles, max_count) -> list[int] | None
       The offset of every occurrence of any needle in data, ascending; None when there are
       more than max_count. (bytes.find/rfind once per needle, in one pass.)
   residue(data, positions, marks, limit, max_depth) -> bytes | None
       The bracket skeleton of data (every byte of {}[] and the control bytes 0x00, 0x02,
       0x03, in order; the byte at positions[k] replaced by marks[k]) with matched {} and []
       pairs removed until none is left: the same bytes as fastscan's _skeleton followed
       by its rounds of bytes.replace, done with a stack in one pass. None when the skeleton
       holds more than limit bytes besides the marks (as _skeleton counts), or more than
       max_depth openers are unclosed at once (nesting json.loads may refuse).

   Portable C: GCC/Clang vector extensions (SSE2 on x86-64, NEON on arm64) test 16 bytes at
   a time for a byte that needs a closer look, and a scalar loop takes those blocks. Only the
   stable ABI is used (one build serves CPython 3.11 and later). Every read is bounded by the
   buffer's length; positions are checked to be ascending and inside it before any is used. */

#define PY_SSIZE_T_CLEAN
#ifndef Py_LIMITED_API
#define Py_LIMITED_API 0x030B0000
#endif
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef unsigned char v16 __attribute__((vector_size(16)));

static inline v16 load16(const unsigned char *p) {
    v16 v;
    memcpy(&v, p, 16);
    return v;
}

static inline int any16(v16 m) {
    uint64_t a, b;
    memcpy(&a, &m, 8);
    memcpy(&b, (const unsigned char *)&m + 8, 8);
    return (a | b) != 0;
}

/* One bit per byte of a comparison result (bit j set when byte j is 0xFF). */
static inline unsigned bits16(v16 m) {
#if defined(__SSE2__)
    typedef char v16c __attribute__((vector_size(16)));
    return (unsigned)__builtin_ia32_pmovmskb128((v16c)m);
#else
    unsigned out = 0;
    for (int j = 0; j < 16; j++) out |= (unsigned)(m[j] & 1) << j;
    return out;
#endif
}

static inline v16 splat(unsigned char c) {
    v16 v = {c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c};
    return v;
}

#define MAX_NEEDLES 16

typedef struct {
    const unsigned char *bytes;
    Py_ssize_t len;
} needle_t;

static int append_offset(PyObject *list, Py_ssize_t at) {
    PyObject *number = PyLong_FromSsize_t(at);
    if (number == NULL) return -1;
    int failed = PyList_Append(list, number);
    Py_DECREF(number);
    return failed;
}

/* Whether any needle starts at p (p + its length within end). */
static inline int needle_at(const unsigned char *p, const unsigned char *end,
                            const needle_t *needles, int count) {
    for (int n = 0; n < count; n++) {
        if (end - p >= needles[n].len && memcmp(p, needles[n].bytes, needles[n].len) == 0)
            return 1;
    }
    return 0;
}

static PyObject *find_tokens(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer data;
    PyObject *needle_tuple;
    Py_ssize_t max_count;
    if (!PyArg_ParseTuple(args, "y*O!n:find_tokens", &data, &PyTuple_Type, &needle_tuple,
                          &max_count))
        return NULL;
    PyObject *result = NULL;
    if (max_count < 0) {
        PyErr_SetString(PyExc_ValueError, "max_count must not be negative");
        goto done;
    }
    needle_t needles[MAX_NEEDLES];
    Py_ssize_t count = PyTuple_Size(needle_tuple);
    if (count < 1 || count > MAX_NEEDLES) {
        PyErr_SetString(PyExc_ValueError, "find_tokens takes 1 to 16 needles");
        goto done;
    }
    for (Py_ssize_t n = 0; n < count; n++) {
        PyObject *item = PyTuple_GetItem(needle_tuple, n);
        char *bytes;
        Py_ssize_t len;
        if (item == NULL || !PyBytes_Check(item)) {
            PyErr_SetString(PyExc_TypeError, "needles must be bytes");
            goto done;
        }
        if (PyBytes_AsStringAndSize(item, &bytes, &len) < 0) goto done;
        if (len < 2) {
            PyErr_SetString(PyExc_ValueError, "a needle must be at least 2 bytes long");
            goto done;
        }
        needles[n].bytes = (const unsigned char *)bytes;
        needles[n].len = len;
    }
    result = PyList_New(0);
    if (result == NULL) goto done;
    const unsigned char *start = data.buf;
    const unsigned char *end = start + data.len;
    const unsigned char *p = start;
    Py_ssize_t found = 0;
    /* Vector filter: only the offsets where some needle's first two bytes match are compared
       in full. The loads read p[0..16], inside the buffer while end - p >= 17. */
    v16 first[MAX_NEEDLES], second[MAX_NEEDLES];
    int pairs = 0; /* the distinct first two bytes of the needles (the \u escapes share one) */
    for (int n = 0; n < count; n++) {
        int seen = 0;
        for (int m = 0; m < n; m++)
            seen |= needles[m].bytes[0] == needles[n].bytes[0] &&
                    needles[m].bytes[1] == needles[n].bytes[1];
        if (!seen) {
            first[pairs] = splat(needles[n].bytes[0]);
            second[pairs] = splat(needles[n].bytes[1]);
            pairs++;
        }
    }
    int many = (int)count;
    while (end - p >= 17) {
        v16 here = load16(p), next = load16(p + 1);
        v16 hit = (v16)(here == first[0]) & (v16)(next == second[0]);
        for (int n = 1; n < pairs; n++) hit |= (v16)(here == first[n]) & (v16)(next == second[n]);
        if (any16(hit)) {
            for (unsigned set = bits16(hit); set; set &= set - 1) {
                const unsigned char *q = p + __builtin_ctz(set);
                if (needle_at(q, end, needles, many)) {
                    if (++found > max_count) goto too_many;
                    if (append_offset(result, q - start) < 0) goto failed;
                }
            }
        }
        p += 16;
    }
    for (; p < end; p++) {
        if (needle_at(p, end, needles, many)) {
            if (++found > max_count) goto too_many;
            if (append_offset(result, p - start) < 0) goto failed;
        }
    }
    goto done;
too_many:
    Py_DECREF(result);
    result = Py_None;
    Py_INCREF(result);
    goto done;
failed:
    Py_CLEAR(result);
done:
    PyBuffer_Release(&data);
    return result;
}

/* The bytes the skeleton keeps: brackets, and the control bytes that are also marks. */
static unsigned char KEPT[256];

static inline int opener_of(unsigned char closer) {
    return closer == '}' ? '{' : closer == ']' ? '[' : -1;
}

static PyObject *residue(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer data, positions, marks;
    Py_ssize_t limit, max_depth;
    if (!PyArg_ParseTuple(args, "y*y*y*nn:residue", &data, &positions, &marks, &limit,
                          &max_depth))
        return NULL;
    PyObject *result = NULL;
    unsigned char *stack = NULL;
    if (positions.itemsize != 8 || positions.len % 8 != 0) {
        PyErr_SetString(PyExc_TypeError, "positions must be an array of 64-bit integers");
        goto done;
    }
    Py_ssize_t mark_count = positions.len / 8;
    if (marks.len != mark_count) {
        PyErr_SetString(PyExc_ValueError, "one mark per position");
        goto done;
    }
    const int64_t *at = positions.buf;
    const unsigned char *mark = marks.buf;
    for (Py_ssize_t k = 0; k < mark_count; k++) {
        int64_t position;
        memcpy(&position, at + k, 8);
        if (position < 0 || position >= data.len) {
            PyErr_SetString(PyExc_ValueError, "a position is outside the data");
            goto done;
        }
        if (k > 0) {
            int64_t before;
            memcpy(&before, at + k - 1, 8);
            if (position <= before) {
                PyErr_SetString(PyExc_ValueError, "positions must be ascending");
                goto done;
            }
        }
    }
    if (limit < 0) limit = 0;
    /* The stack holds at most every kept byte: the counted ones (at most limit, past which
       the pass stops) and the marks (not counted), and never more than the data's bytes. */
    Py_ssize_t most = limit < data.len - mark_count ? limit + mark_count : data.len;
    stack = PyMem_Malloc((size_t)most + 1);
    if (stack == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    const unsigned char *bytes = data.buf;
    Py_ssize_t n = data.len, i = 0, top = 0, kept = 0, k = 0, depth = 0;
    int64_t next_mark = -1;
    if (mark_count) memcpy(&next_mark, at, 8);
    const v16 mask_df = splat(0xDF), mask_fc = splat(0xFC);
    const v16 open_square = splat(0x5B), close_square = splat(0x5D), zero = splat(0);
    /* Kept bytes go onto the stack; a closer on its opener takes the opener off instead.
       depth counts the openers on the stack. */
#define KEEP(b, counted)                                                 \
    do {                                                                 \
        unsigned char kept_byte = (b);                                   \
        if ((counted) && ++kept > limit) goto refused;                   \
        int opener = opener_of(kept_byte);                               \
        if (opener >= 0 && top > 0 && stack[top - 1] == opener) {        \
            top--;                                                       \
            depth--;                                                     \
        } else {                                                         \
            stack[top++] = kept_byte;                                    \
            if ((kept_byte == '{' || kept_byte == '[') && ++depth > max_depth) \
                goto refused;                                            \
        }                                                                \
    } while (0)
    while (i < n) {
        if (n - i >= 16 && (next_mark < 0 || next_mark >= i + 16)) {
            v16 v = load16(bytes + i);
            v16 folded = v & mask_df; /* { and [ differ by bit 5, as do } and ] */
            v16 look = (v16)(folded == open_square) | (v16)(folded == close_square) |
                       (v16)((v & mask_fc) == zero);
            if (any16(look)) {
                for (unsigned set = bits16(look); set; set &= set - 1) {
                    unsigned char b = bytes[i + __builtin_ctz(set)];
                    if (KEPT[b]) KEEP(b, 1);
                }
            }
            i += 16;
            continue;
        }
        Py_ssize_t stop = (n - i >= 16) ? i + 16 : n;
        for (; i < stop; i++) {
            if (i == next_mark) {
                KEEP(mark[k++], 0);
                next_mark = -1;
                if (k < mark_count) memcpy(&next_mark, at + k, 8);
            } else if (KEPT[bytes[i]]) {
                KEEP(bytes[i], 1);
            }
        }
    }
#undef KEEP
    result = PyBytes_FromStringAndSize((const char *)stack, top);
    goto done;
refused:
    result = Py_None;
    Py_INCREF(result);
done:
    PyMem_Free(stack);
    PyBuffer_Release(&data);
    PyBuffer_Release(&positions);
    PyBuffer_Release(&marks);
    return result;
}

static PyMethodDef methods[] = {
    {"find_tokens", find_tokens, METH_VARARGS,
     "find_tokens(data, needles, max_count) -> list[int] | None: every offset of any needle."},
    {"residue", residue, METH_VARARGS,
     "residue(data, positions, marks, limit, max_depth) -> bytes | None: the reduced bracket "
     "skeleton."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_sweep", "fastscan's whole-document passes in C.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__sweep(void) {
    KEPT['{'] = KEPT['}'] = KEPT['['] = KEPT[']'] = 1;
    KEPT[0x00] = KEPT[0x02] = KEPT[0x03] = 1;
    return PyModule_Create(&module);
}
