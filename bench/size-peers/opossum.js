export { default as Opossum } from 'opossum';
