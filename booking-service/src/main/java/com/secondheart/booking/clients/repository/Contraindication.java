package com.secondheart.booking.clients.repository;

/** What a clinic screens for before compression (BRIEF section 2); one answer each in every screening. */
public enum Contraindication {
    DVT("suspected or confirmed deep vein thrombosis"),
    INFLAMMATORY_PHLEBITIS("inflammatory phlebitis"),
    PULMONARY_EMBOLISM("pulmonary embolism"),
    UNCONTROLLED_HEART_FAILURE("uncontrolled heart failure"),
    ACUTE_PULMONARY_OEDEMA("acute pulmonary oedema"),
    UNTREATED_LIMB_INFECTION("an untreated limb infection"),
    LIMB_FRACTURE_OR_OPEN_WOUND("a fracture or open wound in the limb"),
    ISCHAEMIC_VASCULAR_DISEASE("ischaemic vascular disease");

    private final String description;

    Contraindication(String description) {
        this.description = description;
    }

    /** How a sentence names it. */
    public String description() {
        return description;
    }
}
