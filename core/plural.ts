/** `1 pledger`, `2 pledgers`: a count with its noun, in the same words on every front-end. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
