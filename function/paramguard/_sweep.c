/* paramguard._sweep: fastscan's whole-document passes in C, each one loop over the bytes.

   fastscan.py holds the proof and its argument; this module only computes, faster, what the
   Python passes compute (tests/test_sweep.py states each result plainly and compares):

   find_tokens(data, needles, max_count) -> list[int] | None
       The offset of every occurrence of any needle in data, ascending; None when there are
       more than max_count.
   structure(data, needles, array_start, array_end, limit, max_depth, max_tokens)
           -> (bytes, bytes, bool | None) | None
       In one pass: the offsets of the needles (as find_tokens), and the offset of every {
       opened directly inside the array whose brackets are at array_start and array_end
       (int64 arrays, as bytes). The bracket skeleton (every {}[] byte, those in strings
       too) is reduced with a stack as it is read, and must be the root object holding that
       array: None when it is not (an unmatched or mismatched bracket, the array closed
       early, anything after the root), when it holds a raw 0x00, 0x02 or 0x03 byte, more
       than limit brackets, more than max_depth open at once (nesting json.loads may
       refuse), or more than max_tokens needles. The third item says whether every byte is
       ASCII. A document without a needle gives two empty arrays and None, its skeleton
       unread (nothing in it needs proving).

   Portable C: GCC/Clang vector extensions (SSE2 on x86-64, NEON on arm64) test 16 bytes at
   a time for a byte that needs a closer look, and a scalar loop takes the tail. Only the
   stable ABI is used (one build serves CPython 3.11 and later). Every read is bounded by the
   buffer's length; the array's positions are checked before any is used. */

#define PY_SSIZE_T_CLEAN
#ifndef Py_LIMITED_API
#define Py_LIMITED_API 0x030B0000
#endif
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef unsigned char v16 __attribute__((vector_size(16)));

static int HAS_AVX; /* set at import: whether vzeroupper exists here */

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

/* Called on entry to each function. A library that ran before (ISA-L's inflater, in AVX2
   assembly) can leave the upper halves of the vector registers dirty; the SSE code below
   then runs about 2.5 times slower (measured: 26 against 10 ms on 50 MB) until something
   clears them. vzeroupper does, on every processor with AVX (and only those have it). */
static inline void clean_vector_state(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (HAS_AVX) __asm__ volatile("vzeroupper" ::: "memory");
#endif
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

/* The needles of a tuple of 1 to MAX_NEEDLES bytes objects of at least 2 bytes each (they
   stay owned by the tuple); their count, or -1 with an exception set. */
static int read_needles(PyObject *tuple, needle_t *needles) {
    Py_ssize_t count = PyTuple_Size(tuple);
    if (count < 1 || count > MAX_NEEDLES) {
        PyErr_SetString(PyExc_ValueError, "1 to 16 needles");
        return -1;
    }
    for (Py_ssize_t n = 0; n < count; n++) {
        PyObject *item = PyTuple_GetItem(tuple, n);
        char *bytes;
        Py_ssize_t len;
        if (item == NULL || !PyBytes_Check(item)) {
            PyErr_SetString(PyExc_TypeError, "needles must be bytes");
            return -1;
        }
        if (PyBytes_AsStringAndSize(item, &bytes, &len) < 0) return -1;
        if (len < 2) {
            PyErr_SetString(PyExc_ValueError, "a needle must be at least 2 bytes long");
            return -1;
        }
        needles[n].bytes = (const unsigned char *)bytes;
        needles[n].len = len;
    }
    return (int)count;
}

/* The vector filter of a search: the distinct first two bytes of the needles (the \u escapes
   share one pair), splatted; how many. Only offsets where one pair matches are compared in
   full. */
static int needle_pairs(const needle_t *needles, int count, v16 *first, v16 *second) {
    int pairs = 0;
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
    return pairs;
}

static PyObject *find_tokens(PyObject *Py_UNUSED(self), PyObject *args) {
    clean_vector_state();
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
    int many = read_needles(needle_tuple, needles);
    if (many < 0) goto done;
    result = PyList_New(0);
    if (result == NULL) goto done;
    const unsigned char *start = data.buf;
    const unsigned char *end = start + data.len;
    const unsigned char *p = start;
    Py_ssize_t found = 0;
    /* The loads read p[0..16], inside the buffer while end - p >= 17. */
    v16 first[MAX_NEEDLES], second[MAX_NEEDLES];
    int pairs = needle_pairs(needles, many, first, second);
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

/* A growing array of offsets (int64), returned to Python as bytes. */
typedef struct {
    int64_t *at;
    Py_ssize_t count, room, most;
} offsets_t;

/* Append; 0 when done, 1 when past `most` offsets, -1 (MemoryError set) when out of memory. */
static int push_offset(offsets_t *list, Py_ssize_t offset) {
    if (list->count >= list->most) return 1;
    if (list->count == list->room) {
        Py_ssize_t room = list->room ? 2 * list->room : 1024;
        int64_t *grown = PyMem_Realloc(list->at, (size_t)room * sizeof(int64_t));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        list->at = grown;
        list->room = room;
    }
    list->at[list->count++] = (int64_t)offset;
    return 0;
}

static PyObject *as_bytes(const offsets_t *list) {
    return PyBytes_FromStringAndSize((const char *)list->at,
                                     list->count * (Py_ssize_t)sizeof(int64_t));
}

/* The offset of the first needle in data, or -1. */
static Py_ssize_t first_needle(const unsigned char *bytes, Py_ssize_t n, const needle_t *needles,
                               int many, const v16 *first, const v16 *second, int pairs) {
    Py_ssize_t i = 0;
    for (; n - i >= 17; i += 16) {
        v16 here = load16(bytes + i), next = load16(bytes + i + 1);
        v16 hit = (v16)(here == first[0]) & (v16)(next == second[0]);
        for (int p = 1; p < pairs; p++) hit |= (v16)(here == first[p]) & (v16)(next == second[p]);
        if (any16(hit))
            for (unsigned set = bits16(hit); set; set &= set - 1)
                if (needle_at(bytes + i + __builtin_ctz(set), bytes + n, needles, many))
                    return i + __builtin_ctz(set);
    }
    for (; i < n; i++)
        if (needle_at(bytes + i, bytes + n, needles, many)) return i;
    return -1;
}

static PyObject *structure(PyObject *Py_UNUSED(self), PyObject *args) {
    clean_vector_state();
    Py_buffer data;
    PyObject *needle_tuple;
    Py_ssize_t array_start, array_end, limit, max_depth, max_tokens;
    if (!PyArg_ParseTuple(args, "y*O!nnnnn:structure", &data, &PyTuple_Type, &needle_tuple,
                          &array_start, &array_end, &limit, &max_depth, &max_tokens))
        return NULL;
    PyObject *result = NULL;
    unsigned char *stack = NULL;
    offsets_t tokens = {NULL, 0, 0, max_tokens < 0 ? 0 : max_tokens};
    offsets_t starts = {NULL, 0, 0, PY_SSIZE_T_MAX};
    needle_t needles[MAX_NEEDLES];
    const unsigned char *bytes = data.buf;
    Py_ssize_t n = data.len;
    if (!(0 <= array_start && array_start < array_end && array_end < n &&
          bytes[array_start] == '[' && bytes[array_end] == ']')) {
        PyErr_SetString(PyExc_ValueError, "array_start and array_end must be a [ and a later ]");
        goto done;
    }
    int many = read_needles(needle_tuple, needles);
    if (many < 0) goto done;
    if (limit < 0) limit = 0;
    stack = PyMem_Malloc((size_t)(limit < n ? limit : n) + 1);
    if (stack == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    v16 first[MAX_NEEDLES], second[MAX_NEEDLES];
    int pairs = needle_pairs(needles, many, first, second);
    const v16 mask_df = splat(0xDF), mask_fc = splat(0xFC);
    const v16 open_square = splat(0x5B), close_square = splat(0x5D), zero = splat(0);
    /* A document that holds no needle needs no skeleton: one cheap pass says so. */
    if (first_needle(bytes, n, needles, many, first, second, pairs) < 0) {
        result = Py_BuildValue("(y#y#O)", "", (Py_ssize_t)0, "", (Py_ssize_t)0, Py_None);
        goto done;
    }
    Py_ssize_t top = 0, kept = 0, i = 0; /* the stack holds only open brackets */
    int closed = 0; /* the root object has been closed: nothing may follow */
    v16 high = splat(0);  /* every byte OR-ed: whether one is past ASCII */
    unsigned char tail_high = 0;
    /* One bracket at i: the stack of open brackets (the skeleton reduced so far), with the array's
       own brackets at array_start and array_end, and every { opened directly in the array
       (the stack is then the root's { and the array's [) noted as an element's start. */
#define BRACKET(b)                                                                  \
    do {                                                                            \
        unsigned char bracket = (b);                                                \
        if (bracket < 0x04 || closed || ++kept > limit) goto refused;               \
        if (i == array_start) {                                                     \
            if (top != 1 || top >= max_depth) goto refused;                         \
            stack[top++] = '[';                                                     \
        } else if (i == array_end) {                                                \
            if (top != 2) goto refused;                                             \
            top = 1;                                                                \
        } else if (bracket == '{' || bracket == '[') {                              \
            if (top == 2 && bracket == '{' && i > array_start && i < array_end) {   \
                int pushed = push_offset(&starts, i);                               \
                if (pushed < 0) goto failed;                                        \
            }                                                                       \
            if (top >= max_depth) goto refused;                                     \
            stack[top++] = bracket;                                                 \
        } else if (top > 0 && stack[top - 1] == opener_of(bracket)) {               \
            if (top <= 2 && i > array_start && i < array_end) goto refused;         \
            top--;                                                                  \
            if (top == 0) closed = 1;                                               \
        } else {                                                                    \
            goto refused; /* a closer on nothing it closes: never JSON */           \
        }                                                                           \
    } while (0)
#define TOKEN(at)                                                                   \
    do {                                                                            \
        if (needle_at(bytes + (at), bytes + n, needles, many)) {                    \
            int pushed = push_offset(&tokens, (at));                                \
            if (pushed < 0) goto failed;                                            \
            if (pushed > 0) goto refused;                                           \
        }                                                                           \
    } while (0)
    while (n - i >= 17) {
        v16 here = load16(bytes + i), next = load16(bytes + i + 1);
        high |= here;
        v16 hit = (v16)(here == first[0]) & (v16)(next == second[0]);
        for (int p = 1; p < pairs; p++) hit |= (v16)(here == first[p]) & (v16)(next == second[p]);
        v16 folded = here & mask_df; /* { and [ differ by bit 5, as do } and ] */
        v16 look = (v16)(folded == open_square) | (v16)(folded == close_square) |
                   (v16)((here & mask_fc) == zero);
        if (any16(hit | look)) {
            Py_ssize_t block = i;
            for (unsigned set = bits16(look); set; set &= set - 1) {
                i = block + __builtin_ctz(set);
                unsigned char b = bytes[i];
                if (KEPT[b]) BRACKET(b);
            }
            for (unsigned set = bits16(hit); set; set &= set - 1) TOKEN(block + __builtin_ctz(set));
            i = block;
        }
        i += 16;
    }
    for (; i < n; i++) {
        tail_high |= bytes[i];
        if (KEPT[bytes[i]]) BRACKET(bytes[i]);
        TOKEN(i);
    }
#undef BRACKET
#undef TOKEN
    if (top != 0) goto refused;
    PyObject *found = as_bytes(&tokens);
    PyObject *elements = found ? as_bytes(&starts) : NULL;
    if (elements == NULL) {
        Py_XDECREF(found);
        goto failed;
    }
    int ascii = !(any16(high & splat(0x80)) || (tail_high & 0x80));
    result = PyTuple_Pack(3, found, elements, ascii ? Py_True : Py_False);
    Py_DECREF(found);
    Py_DECREF(elements);
    goto done;
refused:
    result = Py_None;
    Py_INCREF(result);
    goto done;
failed:
    result = NULL;
done:
    PyMem_Free(stack);
    PyMem_Free(tokens.at);
    PyMem_Free(starts.at);
    PyBuffer_Release(&data);
    return result;
}

static PyMethodDef methods[] = {
    {"find_tokens", find_tokens, METH_VARARGS,
     "find_tokens(data, needles, max_count) -> list[int] | None: every offset of any needle."},
    {"structure", structure, METH_VARARGS,
     "structure(data, needles, array_start, array_end, limit, max_depth, max_tokens) -> "
     "(bytes, bytes, bool | None) | None: the needles' offsets, the array's object elements' "
     "starts, whether all is ASCII."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_sweep", "fastscan's whole-document passes in C.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__sweep(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    HAS_AVX = __builtin_cpu_supports("avx");
#endif
    KEPT['{'] = KEPT['}'] = KEPT['['] = KEPT[']'] = 1;
    KEPT[0x00] = KEPT[0x02] = KEPT[0x03] = 1;
    return PyModule_Create(&module);
}
