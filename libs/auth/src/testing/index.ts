export { InMemoryUserRepository } from './in-memory-user.repository';
export { PlainPasswordHasher } from './plain-password-hasher';
