"""What the function and the command line accept as a dictionary, in a module that imports
nothing: the command line's parser needs these without loading the matcher."""

# Bytes of dictionary text read at most (dictionary.txt in S3, --dictionary FILE).
MAX_DICTIONARY_BYTES = 1024 * 1024
# How far a new dictionary may shrink against the one in use, in percent of its entries
# (DICTIONARY_MIN_RATIO_PERCENT's default).
DEFAULT_MIN_RATIO_PERCENT = 20
