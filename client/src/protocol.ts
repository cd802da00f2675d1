// The requests, commands and settings the client shares with the server, from the server's dependency-free module.
export * from '../../server/src/protocol';
