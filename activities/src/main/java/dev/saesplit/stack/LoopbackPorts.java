package dev.saesplit.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** TCP ports on 127.0.0.1, where every local service listens: whether one is taken, and a free one. */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /** Whether something accepts connections on {@code port}. */
    public static boolean accepts(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port free at the moment of asking (another process may take it before the caller binds it). */
    public static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
