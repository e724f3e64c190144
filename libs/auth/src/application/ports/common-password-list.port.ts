export abstract class CommonPasswordList {
  abstract contains(lowercased: string): boolean;
}
