package com.secondheart.sequencer.control;

import com.secondheart.sequencer.plant.PneumaticPlant;

class DelegatingPlant implements PneumaticPlant {

    private final PneumaticPlant delegate;

    DelegatingPlant(PneumaticPlant delegate) {
        this.delegate = delegate;
    }

    @Override
    public int legs() {
        return delegate.legs();
    }

    @Override
    public int zonesPerLeg() {
        return delegate.zonesPerLeg();
    }

    @Override
    public void setPump(boolean on) {
        delegate.setPump(on);
    }

    @Override
    public void setInletValve(int leg, int zone, boolean open) {
        delegate.setInletValve(leg, zone, open);
    }

    @Override
    public void setExhaustValve(int leg, int zone, boolean open) {
        delegate.setExhaustValve(leg, zone, open);
    }

    @Override
    public double readPressureMmHg(int leg, int zone) {
        return delegate.readPressureMmHg(leg, zone);
    }

    @Override
    public void ventAll() {
        delegate.ventAll();
    }
}
