/** A file name made of the study's name: letters, digits, '.', '_' and '-' only. */
export const fileStem = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_');
