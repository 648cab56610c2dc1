package com.secondheart.infra.brokeraccess;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Just enough MQTT 5 over a socket to send a PUBLISH bigger than the broker's Maximum Packet Size, which the HiveMQ
 * client refuses to encode. The body is streamed in chunks (system-tests' RawMqtt does the same for 150 MB).
 */
final class RawPublisher implements AutoCloseable {

    private final Socket socket;

    private RawPublisher(Socket socket) {
        this.socket = socket;
    }

    static RawPublisher connect(String host, int port, String unitId, String password) throws IOException {
        var socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(10_000);
        var body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(5);                  // MQTT 5
        body.write(0x80 | 0x40 | 0x02); // username, password, clean start
        body.write(0);
        body.write(60);                 // keep alive
        body.write(0);                  // no properties
        writeString(body, unitId);
        writeString(body, unitId);
        writeString(body, password);
        var out = socket.getOutputStream();
        out.write(0x10);
        out.write(varInt(body.size()));
        body.writeTo(out);
        out.flush();
        var in = new DataInputStream(socket.getInputStream());
        var type = in.readUnsignedByte();
        var connack = in.readNBytes(readVarInt(in));
        if (type != 0x20 || connack.length < 2 || connack[1] != 0) {
            socket.close();
            throw new IOException("not accepted: packet type 0x" + Integer.toHexString(type));
        }
        return new RawPublisher(socket);
    }

    /**
     * Announces a QoS 1 PUBLISH of {@code payloadBytes} and streams its body until the broker closes the connection;
     * returns the reason code of the DISCONNECT the broker sent before closing (null: none).
     */
    Integer publishOversized(String topic, int payloadBytes) throws IOException {
        var variable = new ByteArrayOutputStream();
        writeString(variable, topic);
        variable.write(0);
        variable.write(1); // packet id
        variable.write(0); // no properties
        var out = socket.getOutputStream();
        try {
            out.write(0x32);
            out.write(varInt(variable.size() + payloadBytes));
            variable.writeTo(out);
            var chunk = new byte[16 * 1024];
            for (int written = 0; written < payloadBytes; written += chunk.length) {
                out.write(chunk, 0, Math.min(chunk.length, payloadBytes - written));
            }
            out.flush();
        } catch (IOException closed) {
            // the broker closed the connection while the body was still coming: expected
        }
        Integer reason = null;
        try {
            var in = new DataInputStream(socket.getInputStream());
            while (true) {
                var type = in.readUnsignedByte();
                var packet = in.readNBytes(readVarInt(in));
                if (type == 0xE0) {
                    reason = packet.length == 0 ? 0 : packet[0] & 0xff;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new IOException("the broker kept the connection open", stillOpen);
        } catch (IOException closed) {
            return reason;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
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
