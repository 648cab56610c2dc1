package com.secondheart.protocol.device;

public enum Leg {
    L, R
}
