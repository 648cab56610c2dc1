package com.secondheart.booking.clients.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/** One contraindication screening (table {@code screenings}): an answer per contraindication, when, by whom. */
@Entity
@Table(name = "screenings")
public class Screening {

    @Id
    @Column(name = "screening_id")
    public UUID screeningId;

    @Column(name = "client_id")
    public UUID clientId;

    @Column(name = "screened_at")
    public Instant screenedAt;

    @Column(name = "recorded_by")
    public String recordedBy;

    public boolean dvt;

    @Column(name = "inflammatory_phlebitis")
    public boolean inflammatoryPhlebitis;

    @Column(name = "pulmonary_embolism")
    public boolean pulmonaryEmbolism;

    @Column(name = "uncontrolled_heart_failure")
    public boolean uncontrolledHeartFailure;

    @Column(name = "acute_pulmonary_oedema")
    public boolean acutePulmonaryOedema;

    @Column(name = "untreated_limb_infection")
    public boolean untreatedLimbInfection;

    @Column(name = "limb_fracture_or_open_wound")
    public boolean limbFractureOrOpenWound;

    @Column(name = "ischaemic_vascular_disease")
    public boolean ischaemicVascularDisease;

    public Map<Contraindication, Boolean> answers() {
        var answers = new EnumMap<Contraindication, Boolean>(Contraindication.class);
        answers.put(Contraindication.DVT, dvt);
        answers.put(Contraindication.INFLAMMATORY_PHLEBITIS, inflammatoryPhlebitis);
        answers.put(Contraindication.PULMONARY_EMBOLISM, pulmonaryEmbolism);
        answers.put(Contraindication.UNCONTROLLED_HEART_FAILURE, uncontrolledHeartFailure);
        answers.put(Contraindication.ACUTE_PULMONARY_OEDEMA, acutePulmonaryOedema);
        answers.put(Contraindication.UNTREATED_LIMB_INFECTION, untreatedLimbInfection);
        answers.put(Contraindication.LIMB_FRACTURE_OR_OPEN_WOUND, limbFractureOrOpenWound);
        answers.put(Contraindication.ISCHAEMIC_VASCULAR_DISEASE, ischaemicVascularDisease);
        return answers;
    }

    public void setAnswers(Map<Contraindication, Boolean> answers) {
        dvt = answers.get(Contraindication.DVT);
        inflammatoryPhlebitis = answers.get(Contraindication.INFLAMMATORY_PHLEBITIS);
        pulmonaryEmbolism = answers.get(Contraindication.PULMONARY_EMBOLISM);
        uncontrolledHeartFailure = answers.get(Contraindication.UNCONTROLLED_HEART_FAILURE);
        acutePulmonaryOedema = answers.get(Contraindication.ACUTE_PULMONARY_OEDEMA);
        untreatedLimbInfection = answers.get(Contraindication.UNTREATED_LIMB_INFECTION);
        limbFractureOrOpenWound = answers.get(Contraindication.LIMB_FRACTURE_OR_OPEN_WOUND);
        ischaemicVascularDisease = answers.get(Contraindication.ISCHAEMIC_VASCULAR_DISEASE);
    }
}
