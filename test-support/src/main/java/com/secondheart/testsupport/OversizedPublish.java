package com.secondheart.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A hostile client for the packet-size tests (docs/security.md, "Attacks"): connects over a plain socket with MQTT
 * 3.1.1 (a client library would refuse to send what the broker announced it will not take), then announces a PUBLISH
 * of {@code size} bytes and streams its body until the broker closes the connection or the body is sent. A real
 * attacker does exactly this; nothing here holds {@code size} bytes in memory.
 */
public final class OversizedPublish {

    /** What happened: the CONNACK return code, how many body bytes were written, whether the broker hung up. */
    public record Outcome(int connackCode, long bodyBytesWritten, boolean closedByBroker) {
    }

    private static final int CHUNK = 64 * 1024;

    private OversizedPublish() {
    }

    /**
     * Connects as {@code username}/{@code clientId} and tries to publish {@code size} bytes on {@code topic} (QoS 1).
     * Gives up writing after {@code size} bytes; waits up to 10 s for the broker to close the connection.
     */
    public static Outcome send(String host, int port, String clientId, String username, String password,
                               String topic, long size) throws IOException {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            var in = new DataInputStream(socket.getInputStream());
            out.write(connect(clientId, username, password));
            out.flush();
            int type = in.readUnsignedByte();
            int length = in.readUnsignedByte();
            var connack = new byte[length];
            in.readFully(connack);
            if (type != 0x20 || length < 2 || connack[1] != 0) {
                return new Outcome(length < 2 ? -1 : connack[1], 0, true);
            }
            var topicBytes = topic.getBytes(StandardCharsets.UTF_8);
            long remaining = 2L + topicBytes.length + 2 + size;
            var header = new ByteArrayOutputStream();
            header.write(0x32); // PUBLISH, QoS 1
            writeRemainingLength(header, remaining);
            writeString(header, topicBytes);
            header.write(0);
            header.write(1); // packet id 1
            long written = 0;
            try {
                out.write(header.toByteArray());
                var chunk = new byte[CHUNK];
                while (written < size) {
                    int n = (int) Math.min(CHUNK, size - written);
                    out.write(chunk, 0, n);
                    written += n;
                }
                out.flush();
            } catch (IOException closed) {
                // the broker hung up while we were still sending: what the tests expect
                return new Outcome(0, written, true);
            }
            return new Outcome(0, written, closedWithin(in));
        }
    }

    private static boolean closedWithin(DataInputStream in) {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static byte[] connect(String clientId, String username, String password) throws IOException {
        var body = new ByteArrayOutputStream();
        writeString(body, "MQTT".getBytes(StandardCharsets.US_ASCII));
        body.write(4); // MQTT 3.1.1
        body.write(0xC2); // username, password, clean session
        body.write(0);
        body.write(30); // keep alive 30 s
        writeString(body, clientId.getBytes(StandardCharsets.UTF_8));
        writeString(body, username.getBytes(StandardCharsets.UTF_8));
        writeString(body, password.getBytes(StandardCharsets.UTF_8));
        var packet = new ByteArrayOutputStream();
        packet.write(0x10);
        writeRemainingLength(packet, body.size());
        body.writeTo(packet);
        return packet.toByteArray();
    }

    private static void writeString(OutputStream out, byte[] value) throws IOException {
        out.write(value.length >> 8);
        out.write(value.length & 0xFF);
        out.write(value);
    }

    private static void writeRemainingLength(OutputStream out, long length) throws IOException {
        if (length > 268_435_455L) {
            throw new IllegalArgumentException("MQTT cannot announce more than 256 MB: " + length);
        }
        do {
            int digit = (int) (length % 128);
            length /= 128;
            out.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
    }
}
