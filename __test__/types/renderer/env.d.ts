/// <reference types="nanostore-ipc-bridge/preload" />
