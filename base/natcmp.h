/* natcmp: compare strings as people read the numbers in them (ux-2 before ux-10). */
#ifndef BASE_NATCMP_H
#define BASE_NATCMP_H

/* <0, 0, >0 like strcmp, but a run of digits compares as the number it
 * spells (equal numbers with more leading zeros first) and ASCII case is
 * ignored (strcmp breaks a tie). NULL sorts before everything. */
int natcmp(const char *a, const char *b);

#endif
