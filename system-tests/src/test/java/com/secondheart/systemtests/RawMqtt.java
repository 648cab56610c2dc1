package com.secondheart.systemtests;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Just enough MQTT 5 over a plain socket to send what no well-behaved client library sends: a PUBLISH bigger than
 * the broker's Maximum Packet Size (the HiveMQ client refuses to encode one, as it should). The body is streamed in
 * small chunks, so announcing 150 MB costs the test JVM no memory.
 */
final class RawMqtt implements AutoCloseable {

    /** What became of an oversized PUBLISH. */
    record Outcome(long bytesWritten, boolean closedByBroker, Integer disconnectReason) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawMqtt(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    /**
     * Connects (clean start, no session) and returns once the broker accepted; fails with the CONNACK's reason code
     * otherwise.
     */
    static RawMqtt connect(String host, int port, String clientId, String username, String password) throws IOException {
        var socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(10_000);
        var client = new RawMqtt(socket);
        var body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(5);            // protocol level: MQTT 5
        body.write(0x80 | 0x40 | 0x02); // username, password, clean start
        body.write(0);
        body.write(60);           // keep alive 60 s
        body.write(0);            // no properties
        writeString(body, clientId);
        writeString(body, username);
        writeString(body, password);
        client.out.write(0x10);
        client.out.write(varInt(body.size()));
        body.writeTo(client.out);
        client.out.flush();
        var data = new DataInputStream(client.in);
        var type = data.readUnsignedByte();
        var length = readVarInt(data);
        var connack = data.readNBytes(length);
        if (type != 0x20 || connack.length < 2) {
            client.close();
            throw new IOException("not a CONNACK: packet type " + Integer.toHexString(type));
        }
        if (connack[1] != 0) {
            client.close();
            throw new IOException("CONNACK reason 0x" + Integer.toHexString(connack[1] & 0xff));
        }
        return client;
    }

    /**
     * Sends a QoS 1 PUBLISH whose fixed header announces {@code payloadBytes}, then streams the body until the
     * broker closes the connection (or all of it went out), and reads what the broker answered before closing.
     */
    Outcome publishOversized(String topic, long payloadBytes, Duration patience) throws IOException {
        var variable = new ByteArrayOutputStream();
        writeString(variable, topic);
        variable.write(0);
        variable.write(1);        // packet id 1
        variable.write(0);        // no properties
        long remaining = variable.size() + payloadBytes;
        if (remaining > 268_435_455L) {
            throw new IllegalArgumentException("MQTT cannot announce more than 256 MB");
        }
        long written = 0;
        var chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        try {
            out.write(0x32);
            out.write(varInt((int) remaining));
            variable.writeTo(out);
            out.flush();
            while (written < payloadBytes) {
                var n = (int) Math.min(chunk.length, payloadBytes - written);
                out.write(chunk, 0, n);
                written += n;
            }
            out.flush();
        } catch (IOException closed) {
            // the broker closed the connection under our feet: what the test wants to see
        }
        return readUntilClosed(written, patience);
    }

    /**
     * Reads until the broker closes the connection or {@code patience} passes, noting the reason code of a
     * DISCONNECT it sent before closing, if any.
     */
    private Outcome readUntilClosed(long written, Duration patience) {
        Integer reason = null;
        try {
            socket.setSoTimeout((int) patience.toMillis());
            var data = new DataInputStream(in);
            while (true) {
                var type = data.readUnsignedByte();
                var length = readVarInt(data);
                var packet = data.readNBytes(length);
                if (type == 0xE0) {
                    reason = length == 0 ? 0 : packet[0] & 0xff;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            return new Outcome(written, false, reason);
        } catch (IOException closed) {
            return new Outcome(written, true, reason);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket the broker may have closed already
        }
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        var bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xff);
        out.writeBytes(bytes);
    }

    private static byte[] varInt(int value) {
        var out = new ByteArrayOutputStream();
        do {
            var digit = value % 128;
            value /= 128;
            out.write(value > 0 ? digit | 0x80 : digit);
        } while (value > 0);
        return out.toByteArray();
    }

    private static int readVarInt(DataInputStream in) throws IOException {
        int value = 0;
        int multiplier = 1;
        int digit;
        do {
            digit = in.readUnsignedByte();
            value += (digit & 0x7f) * multiplier;
            multiplier *= 128;
        } while ((digit & 0x80) != 0);
        return value;
    }
}
